package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StratumTest {

    private final Protocol protocol =
            Protocol.defaults().withReporting("t", List.of("severity", "age"), Blinding.none(), false);

    @Test
    void shouldPutPatientInItsArmAndAllEachSplitByTheLabelsItHasWhenProtocolDeclaresThem() {
        assertThat(Stratum.of("MSC", Map.of("severity", "critical", "site", "x"), protocol))
                .containsExactly(
                        new Stratum("MSC", null, null),
                        new Stratum("MSC", "severity", "critical"),
                        new Stratum("ALL", null, null),
                        new Stratum("ALL", "severity", "critical"));
    }

    @Test
    void shouldUseUnassignedWhenPatientHasNoArm() {
        assertThat(Stratum.of(null, Map.of(), protocol))
                .containsExactly(new Stratum(Stratum.UNASSIGNED, null, null), new Stratum("ALL", null, null));
        assertThat(Stratum.of(" ", Map.of("severity", ""), protocol)).hasSize(2);
    }

    @Test
    void shouldShowNeutralCodeWhenProtocolIsBlinded() {
        Blinding blinding = Blinding.of(List.of("MSC", "PLACEBO"), "key");
        Protocol blinded = protocol.withReporting("t", List.of(), blinding, false);
        assertThat(Stratum.of("MSC", Map.of(), blinded))
                .extracting(Stratum::arm)
                .containsExactly(blinding.label("MSC"), "ALL");
        assertThat(Stratum.of(null, Map.of(), blinded)).extracting(Stratum::arm).containsExactly("UNASSIGNED", "ALL");
    }
}
