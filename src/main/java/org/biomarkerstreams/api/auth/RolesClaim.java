package org.biomarkerstreams.api.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads role names from a claim given as a dotted path ({@code realm_access.roles}). A claim whose own
 * name has dots (Auth0's {@code https://example.org/roles}) is found too: the whole path is tried as a
 * name first. Names that are not a {@link Role} are ignored: the IdP knows roles of other applications.
 */
final class RolesClaim {

    private final String path;
    private final String[] steps;

    RolesClaim(String path) {
        this.path = path;
        this.steps = path.split("\\.");
    }

    Set<Role> roles(JWTClaimsSet claims) {
        Object value = claims.getClaim(path);
        if (value == null) {
            value = claims.getClaims();
            for (String step : steps) {
                if (!(value instanceof Map<?, ?> object)) {
                    return EnumSet.noneOf(Role.class);
                }
                value = object.get(step);
            }
        }
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        if (value instanceof String names) {
            for (String name : names.strip().split("[\\s,]+")) {
                Role.fromClaim(name).ifPresent(roles::add);
            }
        } else if (value instanceof Collection<?> names) {
            for (Object name : names) {
                if (name instanceof String s) {
                    Role.fromClaim(s).ifPresent(roles::add);
                }
            }
        }
        return roles;
    }
}
