package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BlindingTest {

    private static final List<String> ARMS = List.of("MSC", "PLACEBO");

    @Test
    void shouldUnblindEachNeutralCodeToItsArmAndLeaveOtherLabelsAlone() {
        Blinding b = Blinding.of(ARMS, "statistician-key");
        for (String arm : ARMS) {
            assertThat(b.unblind(b.label(arm))).isEqualTo(arm);
        }
        assertThat(b.unblind("ALL")).isEqualTo("ALL");
        assertThat(b.unblind("Arm ?-123456")).isEqualTo("Arm ?-123456");
        assertThat(Blinding.none().unblind("MSC")).isEqualTo("MSC");
    }

    @Test
    void shouldShowArmsAsTheyAreWhenNotBlinded() {
        assertThat(Blinding.none().label("MSC")).isEqualTo("MSC");
    }

    @Test
    void shouldReplaceEachDeclaredArmByADistinctNeutralCode() {
        Blinding b = Blinding.of(ARMS, "statistician-key");
        Set<String> labels = ARMS.stream().map(b::label).collect(Collectors.toSet());
        assertThat(labels).containsExactlyInAnyOrder("Arm A", "Arm B");
    }

    @Test
    void shouldGiveTheSameCodesWhateverTheOrderOfDeclaration() {
        Blinding b1 = Blinding.of(List.of("MSC", "PLACEBO"), "k");
        Blinding b2 = Blinding.of(List.of("PLACEBO", "MSC"), "k");
        assertThat(b1.label("MSC")).isEqualTo(b2.label("MSC"));
    }

    @Test
    void shouldLetTheKeyDecideWhichArmIsArmA() {
        // Over many keys both arms must sometimes be "Arm A": the code says nothing about the arm.
        Set<String> armA = new java.util.HashSet<>();
        for (int k = 0; k < 64; k++) {
            Blinding b = Blinding.of(ARMS, "key-" + k);
            armA.add(ARMS.stream()
                    .filter(a -> b.label(a).equals("Arm A"))
                    .findFirst()
                    .orElseThrow());
        }
        assertThat(armA).containsExactlyInAnyOrderElementsOf(ARMS);
    }

    @Test
    void shouldNeverReplaceThePooledStratumOrAMissingArm() {
        Blinding b = Blinding.of(ARMS, "k");
        assertThat(b.label(Blinding.ALL)).isEqualTo("ALL");
        assertThat(b.label(null)).isNull();
    }

    @Test
    void shouldGiveAnUndeclaredArmANeutralButStableCode() {
        Blinding b = Blinding.of(ARMS, "k");
        assertThat(b.label("HIGH_DOSE"))
                .startsWith("Arm ?-")
                .doesNotContain("HIGH")
                .isEqualTo(b.label("HIGH_DOSE"));
    }

    @Test
    void shouldRefuseABlindedProtocolWithoutAKey() {
        assertThatThrownBy(() -> Blinding.of(ARMS, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
