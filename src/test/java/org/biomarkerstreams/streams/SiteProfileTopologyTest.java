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
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.protocol.SiteProfileFile;
import org.junit.jupiter.api.Test;

/**
 * A site profile file end to end: an analyte only it defines (local code, site unit spelling, its own interval), and
 * the reference intervals of particular labs.
 */
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

    /** The same CRP interval by default, a stricter one at the central lab, a wider one at the ward's analyser. */
    private static final String LABS =
            """
            analytes:
              - paramcd: CRP
                name: C-reactive protein
                unit: mg/L
                referenceInterval: "<10"
                plausible: {min: 0.01, max: 1000, lowerLimit: detection-limit}
            labs:
              - source: hl7:CENTRAL-LAB
                referenceIntervals: {CRP: "<5"}
              - source: hl7:WARD-POC
                referenceIntervals: {CRP: "0-12"}
            """;

    private static TopologyHarness labsHarness(boolean labRanges) {
        SiteProfile site = SiteProfileFile.parse(LABS, "site.yaml");
        return new TopologyHarness(TopologyConfig.builder(Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC))
                .profile(site)
                .labRanges(labRanges)
                .build());
    }

    /** The reading as the HL7 path files it: source {@code hl7:} + the sending facility (MSH-4). */
    private static RawReading from(String source, RawReading r) {
        return new RawReading(
                r.readingId(),
                r.revision(),
                r.patientId(),
                r.loinc(),
                r.analyte(),
                r.value(),
                r.unit(),
                r.observedAt(),
                r.status(),
                r.referenceRange(),
                r.abnormalFlags(),
                source,
                r.receivedAt());
    }

    @Test
    void shouldClassifyTheSameValueByEachLabsIntervalWhenTheSiteFileListsLabs() {
        try (TopologyHarness h = labsHarness(false)) {
            h.send(infusionAt(INFUSION));
            // CRP 8 mg/L three times: >= 5 at the central lab (HIGH), within 0-12 at the ward (NORMAL), < 10 elsewhere.
            h.send(from("hl7:CENTRAL-LAB", aReading().id("a").value("8", "mg/L").build()));
            h.send(from("hl7:WARD-POC", aReading().id("b").value("8", "mg/L").build()));
            h.send(from("hl7:OTHER", aReading().id("c").value("8", "mg/L").build()));

            assertThat(h.deadLetterList).isEmpty();
            TrajectoryPoint a = h.point(PATIENT, "a");
            TrajectoryPoint b = h.point(PATIENT, "b");
            assertThat(a.getAnrind()).hasToString("HIGH");
            assertThat(a.getRangeHigh()).isEqualTo(5.0);
            assertThat(b.getAnrind()).hasToString("NORMAL");
            assertThat(b.getRangeLow()).isEqualTo(0.0);
            assertThat(b.getRangeHigh()).isEqualTo(12.0);
            assertThat(h.point(PATIENT, "c").getAnrind()).hasToString("NORMAL");
            assertThat(h.point(PATIENT, "c").getRangeHigh()).isEqualTo(10.0);
        }
    }

    @Test
    void shouldPreferTheRangeSentWithTheResultWhenTheSiteUsesLabRanges() {
        try (TopologyHarness h = labsHarness(true)) {
            h.send(infusionAt(INFUSION));
            // The central lab's file interval says < 5 (8 is HIGH); the range it sent with this result says 0-9.
            h.send(from(
                    "hl7:CENTRAL-LAB",
                    aReading().id("sent").value("8", "mg/L").range("0-9").build()));
            // No range sent: the file's interval for the lab still applies.
            h.send(from(
                    "hl7:CENTRAL-LAB", aReading().id("none").value("8", "mg/L").build()));

            assertThat(h.point(PATIENT, "sent").getAnrind()).hasToString("NORMAL");
            assertThat(h.point(PATIENT, "sent").getRangeHigh()).isEqualTo(9.0);
            assertThat(h.point(PATIENT, "none").getAnrind()).hasToString("HIGH");
        }
    }
}
