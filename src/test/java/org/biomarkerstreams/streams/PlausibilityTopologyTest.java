package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.PATIENT;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A unit-label error on its way through the topology: the dead letter says which unit the value was probably in. */
class PlausibilityTopologyTest {

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldDeadLetterWithTheLikelyUnitWhenDdimerIsAThousandTimesTooSmall() {
        // Paper 000's "0.89 µg/L FEU": 0.89 ng/mL, below the 10 ng/mL floor; as µg/mL or mg/L it is 890 ng/mL.
        harness.send(infusionAt(INFUSION));
        harness.send(aReading()
                .id("dd")
                .loinc("48065-7")
                .value("0.89", "µg/L FEU")
                .at(DAY_3)
                .build());

        assertThat(harness.points).isEmpty();
        assertThat(harness.deadLetterList).singleElement().satisfies(letter -> {
            assertThat(letter.getErrorCode()).isEqualTo("IMPLAUSIBLE_VALUE");
            assertThat(letter.getMessage())
                    .isEqualTo("DDIMER: 0.89 µg/L FEU (0.89 ng/mL) is below any D-dimer assay's detection limit (10"
                            + " ng/mL); was it µg/mL or mg/L?");
            assertThat(letter.getSourceTopic()).isEqualTo("lab-readings");
        });
    }

    @Test
    void shouldTrendCensoredDdimerWhenItIsReportedBelowTheLimit() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading()
                .id("dd")
                .loinc("48065-7")
                .value("<0.19", "µg/L FEU")
                .at(DAY_3)
                .build());

        assertThat(harness.deadLetterList).extracting(DeadLetter::getErrorCode).isEmpty();
        TrajectoryPoint point = harness.point(PATIENT, "dd");
        assertThat(point.getValue()).isEqualTo(0.19);
        assertThat(point.getAnrind()).hasToString("NORMAL");
    }
}
