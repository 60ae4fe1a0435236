package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.PATIENT;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import java.time.Clock;
import java.time.ZoneOffset;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.protocol.SiteProfileFile;
import org.junit.jupiter.api.Test;

/** An analyte that only a site profile file defines, end to end: local code, site unit spelling, its own interval. */
class SiteProfileTopologyTest {

    private static final String SITE =
            """
            analytes:
              - paramcd: CRP
                name: C-reactive protein
                unit: mg/L
                referenceInterval: "<10"
                plausible: {min: 0.01, max: 1000, lowerLimit: detection-limit}
              - paramcd: FERRITIN
                name: Ferritin
                unit: ng/mL
                referenceInterval: "<300"
                plausible: {min: 1, max: 100000, lowerLimit: detection-limit}
            codes:
              - {code: LAB-FER, analyte: FERRITIN}
            unitSpellings:
              Mikrogramm/l: ug/L
            """;

    private static TopologyHarness harness() {
        SiteProfile site = SiteProfileFile.parse(SITE, "site.yaml");
        return new TopologyHarness(TopologyConfig.builder(Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC))
                .profile(site)
                .build());
    }

    @Test
    void shouldTrendAnAnalyteTheSiteFileDefinesWhenItArrivesByLocalCode() {
        try (TopologyHarness h = harness()) {
            h.send(infusionAt(INFUSION));
            // 900 µg/L = 900 ng/mL, above 300 at baseline; 250 ng/mL on day 3 is normal.
            h.send(aReading()
                    .id("base")
                    .loinc("LAB-FER")
                    .value("900", "Mikrogramm/l")
                    .at(DAY_MINUS_1)
                    .build());
            h.send(aReading()
                    .id("d3")
                    .loinc("LAB-FER")
                    .value("250", "ng/mL")
                    .at(DAY_3)
                    .build());

            assertThat(h.deadLetterList).isEmpty();
            TrajectoryPoint base = h.point(PATIENT, "base");
            assertThat(base.getAnalyte()).isEqualTo("FERRITIN");
            assertThat(base.getValue()).isEqualTo(900.0);
            assertThat(base.getUnit()).isEqualTo("ng/mL");
            assertThat(base.getAnrind()).hasToString("HIGH");
            assertThat(base.getBaselineFlag()).isTrue();
            assertThat(h.point(PATIENT, "d3").getAnrind()).hasToString("NORMAL");
            assertThat(h.summary(PATIENT, "FERRITIN")).isNotNull();
        }
    }

    @Test
    void shouldDeadLetterAnAnalyteTheSiteFileLeavesOut() {
        try (TopologyHarness h = harness()) {
            h.send(aReading().id("il6").of("IL6").value("12", "pg/mL").build());

            assertThat(h.deadLetterList).extracting(DeadLetter::getErrorCode).containsExactly("UNKNOWN_ANALYTE");
        }
    }
}
