package org.biomarkerstreams.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleAndCallerTest {

    @Test
    void shouldReadRoleNamesIgnoringCaseAndSpaces() {
        assertThat(Role.fromClaim("clinician")).contains(Role.CLINICIAN);
        assertThat(Role.fromClaim(" MONITOR ")).contains(Role.MONITOR);
        assertThat(Role.fromClaim("Unblinded")).contains(Role.UNBLINDED);
        assertThat(Role.fromClaim("ops")).contains(Role.OPS);
    }

    @Test
    void shouldFindNoRoleWhenNameIsUnknownOrAbsent() {
        assertThat(Role.fromClaim("admin")).isEmpty();
        assertThat(Role.fromClaim("")).isEmpty();
        assertThat(Role.fromClaim(null)).isEmpty();
    }

    @Test
    void shouldHaveExactlyItsRolesWhenAsked() {
        Caller monitor = new Caller("user-1", Set.of(Role.MONITOR));

        assertThat(monitor.has(Role.MONITOR)).isTrue();
        assertThat(monitor.has(Role.UNBLINDED)).isFalse();
        assertThat(new Caller("user-2", Set.of()).has(Role.OPS)).isFalse();
    }

    @Test
    void shouldKeepItsOwnCopyOfTheRoles() {
        Set<Role> roles = new HashSet<>(Set.of(Role.MONITOR));
        Caller caller = new Caller("user-1", roles);
        roles.add(Role.UNBLINDED);

        assertThat(caller.has(Role.UNBLINDED)).isFalse();
        assertThatThrownBy(() -> caller.roles().add(Role.OPS)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(caller).isEqualTo(new Caller("user-1", EnumSet.of(Role.MONITOR)));
    }

    @Test
    void shouldRefuseABlankSubject() {
        assertThatThrownBy(() -> new Caller(" ", Set.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
