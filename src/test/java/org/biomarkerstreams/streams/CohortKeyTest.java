package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CohortKeyTest {

    @Test
    void shouldWriteEmptyPartsWhenStratumHasNoLabel() {
        assertThat(CohortKey.visit("ALL", null, null, "CRP", "D7")).isEqualTo("ALL|||CRP|D7");
        assertThat(CohortKey.curve("Arm A", "severity", "critical", "LYMPH"))
                .isEqualTo("Arm A|severity|critical|LYMPH");
    }

    @Test
    void shouldEscapeSeparatorsWhenPartsContainThem() {
        String key = CohortKey.join("a|b", "c\\", null, "d");
        assertThat(key).isEqualTo("a\\|b|c\\\\||d");
        assertThat(CohortKey.split(key)).isEqualTo(Arrays.asList("a|b", "c\\", null, "d"));
    }
}
