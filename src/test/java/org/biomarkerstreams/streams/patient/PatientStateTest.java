package org.biomarkerstreams.streams.patient;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.biomarkerstreams.domain.EventType;
import org.junit.jupiter.api.Test;

class PatientStateTest {

    private static final Instant RANDOMIZED_AT = Instant.parse("2020-02-01T08:00:00Z");

    @Test
    void shouldWriteTheBytesItWasReadFromWhenAnEventHasSeveralStrata() {
        PatientState state = PatientState.EMPTY.with(randomization(Map.of(
                "age", "over-65", "severity", "critical", "site", "B", "sex", "F", "ventilated", "yes", "wave", "2")));
        byte[] written = state.encode();

        assertThat(PatientState.decode(written).encode()).isEqualTo(written);
    }

    @Test
    void shouldKeepTheStrataInTheOrderWrittenWhenRead() {
        PatientState state = PatientState.EMPTY.with(randomization(Map.of(
                "age", "over-65", "severity", "critical", "site", "B", "sex", "F", "ventilated", "yes", "wave", "2")));

        PatientState read = PatientState.decode(state.encode());

        assertThat(read.events().get("rand").strata().keySet())
                .containsExactly("age", "severity", "sex", "site", "ventilated", "wave");
    }

    /** As an event enters the state: its strata sorted (RawClinicalEvent sorts them). */
    private static PatientState.EventRecord randomization(Map<String, String> strata) {
        return new PatientState.EventRecord(
                "rand", 0, 42L, EventType.RANDOMIZED, RANDOMIZED_AT, "MSC", new TreeMap<>(strata), null, null, false);
    }
}
