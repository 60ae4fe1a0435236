package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.ingest.NdjsonEvents;
import org.biomarkerstreams.ingest.NdjsonReadings;
import org.biomarkerstreams.testing.AvroJsonLines;
import org.biomarkerstreams.testing.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} end to end on a fresh embedded broker: a cohort file with shuffled, duplicated,
 * corrected, deleted, invalid and malformed records gives outputs equal to the batch oracle, and
 * every bad line is in the dead-letter file with its code.
 */
class ReplayOracleIT {

    @TempDir
    Path dir;

    @Test
    void shouldWriteOutputsEqualToBatchOracleWhenReplayingMessyFiles() throws Exception {
        Cohort cohort = messyCohort();
        Path out = dir.resolve("out");

        int exit = Main.commandLine()
                .execute(
                        "replay",
                        "--readings",
                        cohort.readings().toString(),
                        "--events",
                        cohort.eventsFile().toString(),
                        "--out",
                        out.toString());

        assertThat(exit).isZero();
        Map<String, Map<String, Object>> expectedJson = new LinkedHashMap<>();
        cohort.expected().forEach((k, v) -> expectedJson.put(k, withoutReceivedAt(AvroJson.parse(AvroJson.toJson(v)))));
        assertThat(OutputDiff.of(expectedJson, actual(out))).isEmpty();

        Map<String, Integer> codes = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("lab-readings-dlq.ndjson"))) {
            codes.merge((String) AvroJson.parse(line).get("errorCode"), 1, Integer::sum);
        }
        assertThat(codes).isEqualTo(cohort.expectedCodes());

        // All seven output topics, every line as Avro's JSON decoder reads it with the topic's writer schema.
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (Map.Entry<String, String> topic : SCHEMAS.entrySet()) {
            Schema schema = AvroJsonLines.schema(topic.getValue());
            List<String> all = Files.readAllLines(out.resolve(topic.getKey() + ".ndjson"));
            for (String line : all) {
                AvroJsonLines.decode(line, schema);
            }
            lines.put(topic.getKey(), all.size());
        }
        assertThat(lines)
                .allSatisfy(
                        (topic, n) -> assertThat(n).as(topic).isGreaterThan(topic.equals("biomarker-alerts") ? -1 : 0));
    }

    /**
     * The acceptance: {@code replay --readings … --events … --out DIR --format csv --latest} writes all seven
     * topics, with the documented columns, and the latest trajectory is the batch oracle's (corrections applied,
     * deletions gone).
     */
    @Test
    void shouldWriteAllSevenTopicsAsCsvWithTheLatestRecordPerKeyWhenAskedForCsvLatest() throws Exception {
        Cohort cohort = messyCohort();
        Path out = dir.resolve("csv");

        int exit = Main.commandLine()
                .execute(
                        "replay",
                        "--readings",
                        cohort.readings().toString(),
                        "--events",
                        cohort.eventsFile().toString(),
                        "--out",
                        out.toString(),
                        "--format",
                        "csv",
                        "--latest");

        assertThat(exit).isZero();
        Map<String, CsvTable> tables = new LinkedHashMap<>();
        for (String topic : SCHEMAS.keySet()) {
            tables.put(topic, CsvTable.read(out.resolve(topic + ".csv")));
        }
        CsvTable steps = CsvTable.read(out.resolve("cohort-normalization-curves-steps.csv"));
        // The documented columns (README, "Output files"; docs/architecture.md).
        assertThat(tables.get("biomarker-trajectory-points").header())
                .containsExactly(
                        "patientId",
                        "analyte",
                        "readingId",
                        "revision",
                        "observedAt",
                        "value",
                        "comparator",
                        "unit",
                        "assayType",
                        "ady",
                        "pdy",
                        "hoursSinceAnchor",
                        "anrind",
                        "rangeLow",
                        "rangeHigh",
                        "chg",
                        "pchg",
                        "baselineFlag",
                        "status",
                        "retracted",
                        "receivedAt");
        assertThat(tables.get("cohort-visit-summaries").header())
                .containsExactly(
                        "protocol",
                        "arm",
                        "stratumLabel",
                        "stratumValue",
                        "analyte",
                        "unit",
                        "visit",
                        "n",
                        "nMissing",
                        "nImputed",
                        "median",
                        "q1",
                        "q3",
                        "mean",
                        "sd",
                        "min",
                        "max",
                        "quantileType",
                        "updatedAt");
        assertThat(tables.get("cohort-normalization-curves").header())
                .containsExactly(
                        "protocol",
                        "arm",
                        "stratumLabel",
                        "stratumValue",
                        "analyte",
                        "atRisk",
                        "events",
                        "censored",
                        "medianDays",
                        "medianLower",
                        "medianUpper",
                        "logRank.arms",
                        "logRank.chiSquare",
                        "logRank.degreesOfFreedom",
                        "logRank.pValue",
                        "updatedAt");
        assertThat(steps.header())
                .containsExactly(
                        "protocol",
                        "arm",
                        "stratumLabel",
                        "stratumValue",
                        "analyte",
                        "step",
                        "days",
                        "atRisk",
                        "events",
                        "censored",
                        "survival",
                        "stdErr");
        assertThat(tables.get("lab-readings-dlq").rows())
                .hasSize(cohort.expectedCodes().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum());
        assertThat(tables.get("cohort-visit-summaries").rows()).isNotEmpty();
        assertThat(steps.rows()).isNotEmpty();

        // Latest per key: exactly the oracle's points, each with the oracle's final revision and value.
        Map<String, String> expectedPoints = new TreeMap<>();
        cohort.expected().forEach((k, v) -> {
            if (k.startsWith("point:") && v instanceof TrajectoryPoint p) {
                expectedPoints.put(p.getPatientId() + "|" + p.getReadingId(), p.getRevision() + " " + p.getValue());
            }
        });
        Map<String, String> actualPoints = new TreeMap<>();
        for (Map<String, String> row : tables.get("biomarker-trajectory-points").rows()) {
            String key = row.get("patientId") + "|" + row.get("readingId");
            assertThat(actualPoints).as("one row per key").doesNotContainKey(key);
            actualPoints.put(key, row.get("revision") + " " + Double.parseDouble(row.get("value")));
        }
        assertThat(actualPoints).isEqualTo(expectedPoints);
    }

    private static final Map<String, String> SCHEMAS = orderedSchemas();

    private static Map<String, String> orderedSchemas() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("biomarker-trajectory-points", "TrajectoryPoint");
        m.put("biomarker-summaries", "BiomarkerSummary");
        m.put("time-to-normalization", "TimeToNormalization");
        m.put("cohort-visit-summaries", "CohortVisitSummary");
        m.put("cohort-normalization-curves", "NormalizationCurve");
        m.put("biomarker-alerts", "BiomarkerAlert");
        m.put("lab-readings-dlq", "DeadLetter");
        return m;
    }

    /** The messy cohort files and what the batch oracle expects of them. */
    private record Cohort(
            Path readings, Path eventsFile, Map<String, SpecificRecord> expected, Map<String, Integer> expectedCodes) {}

    private Cohort messyCohort() throws Exception {
        Random random = new Random(42);
        List<ArrivalOrderProperties.Input> inputs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            for (ArrivalOrderProperties.Input in : ArrivalOrderProperties.scenario(random)) {
                inputs.add(rename(in, "B" + i + "-"));
            }
        }
        Collections.shuffle(inputs, random);

        List<String> readingLines = new ArrayList<>();
        List<String> eventLines = new ArrayList<>();
        List<RawReading> valid = new ArrayList<>();
        List<RawClinicalEvent> events = new ArrayList<>();
        Map<String, Integer> expectedCodes = new LinkedHashMap<>();
        long streamTime = 0;
        for (ArrivalOrderProperties.Input in : inputs) {
            if (in instanceof ArrivalOrderProperties.Input.Reading r) {
                readingLines.add(NdjsonReadings.toJson(r.r()));
                if (r.valid()) {
                    valid.add(r.r());
                } else {
                    String code = r.r().observedAt().isAfter(Instant.now())
                            ? "FUTURE_TIMESTAMP"
                            : r.r().unit().equals("furlongs") ? "UNKNOWN_UNIT" : "NON_NUMERIC";
                    expectedCodes.merge(code, 1, Integer::sum);
                }
                if (r.r().observedAt() != null && r.r().observedAt().isBefore(Instant.now())) {
                    streamTime = Math.max(streamTime, r.r().observedAt().toEpochMilli());
                }
            } else if (in instanceof ArrivalOrderProperties.Input.Event e) {
                eventLines.add(NdjsonEvents.toJson(e.e()));
                events.add(e.e());
                streamTime = Math.max(streamTime, e.e().at().toEpochMilli());
            } else if (in instanceof ArrivalOrderProperties.Input.Garbage g) {
                (g.onReadings() ? readingLines : eventLines).add("{\"patientId\": \"" + g.patientId() + "\", oops");
                expectedCodes.merge("UNDESERIALIZABLE", 1, Integer::sum);
            }
        }
        Path readings = Files.write(dir.resolve("readings.ndjson"), readingLines, StandardCharsets.UTF_8);
        Path eventsFile = Files.write(dir.resolve("events.ndjson"), eventLines, StandardCharsets.UTF_8);
        TopologyConfig config = TopologyConfig.defaults(Clock.fixed(Instant.now(), ZoneOffset.UTC));
        Map<String, SpecificRecord> expected =
                new BatchOracle(config).expected(valid, events, Instant.ofEpochMilli(streamTime));
        return new Cohort(readings, eventsFile, expected, expectedCodes);
    }

    /** Latest record per key from the output files, without retracted points and empty summaries. */
    static Map<String, Map<String, Object>> actual(Path out) throws Exception {
        Map<String, Map<String, Object>> latest = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("biomarker-trajectory-points.ndjson"))) {
            Map<String, Object> p = withoutReceivedAt(AvroJson.parse(line));
            latest.put("point:" + p.get("patientId") + "|" + p.get("readingId"), p);
        }
        Map<String, Map<String, Object>> summaries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("biomarker-summaries.ndjson"))) {
            Map<String, Object> s = AvroJson.parse(line);
            summaries.put(s.get("patientId") + "|" + s.get("analyte"), s);
        }
        summaries.forEach((k, s) -> latest.put("summary:" + k, s));
        for (String line : Files.readAllLines(out.resolve("time-to-normalization.ndjson"))) {
            Map<String, Object> t = AvroJson.parse(line);
            latest.put("ttn:" + t.get("patientId") + "|" + t.get("analyte"), t);
        }
        latest.entrySet().removeIf(e -> Boolean.TRUE.equals(e.getValue().get("retracted")));
        latest.entrySet().removeIf(e -> {
            String key = e.getKey().substring(e.getKey().indexOf(':') + 1);
            if (e.getKey().startsWith("point:")) {
                return false;
            }
            Map<String, Object> s = summaries.get(key);
            return s == null || ((Number) s.get("readingCount")).longValue() == 0;
        });
        return latest;
    }

    /** When the ingest received a reading is wall-clock time, not something the oracle can know. */
    static Map<String, Object> withoutReceivedAt(Map<String, Object> record) {
        Map<String, Object> copy = new LinkedHashMap<>(record);
        copy.remove("receivedAt");
        return copy;
    }

    private static ArrivalOrderProperties.Input rename(ArrivalOrderProperties.Input in, String prefix) {
        if (in instanceof ArrivalOrderProperties.Input.Reading r) {
            RawReading x = r.r();
            return new ArrivalOrderProperties.Input.Reading(
                    new RawReading(
                            prefix + x.readingId(),
                            x.revision(),
                            prefix + x.patientId(),
                            x.loinc(),
                            x.analyte(),
                            x.value(),
                            x.unit(),
                            x.observedAt(),
                            x.status(),
                            x.referenceRange(),
                            x.abnormalFlags(),
                            x.source(),
                            x.receivedAt()),
                    r.valid());
        }
        if (in instanceof ArrivalOrderProperties.Input.Event e) {
            RawClinicalEvent x = e.e();
            return new ArrivalOrderProperties.Input.Event(new RawClinicalEvent(
                    prefix + x.eventId(),
                    x.revision(),
                    prefix + x.patientId(),
                    x.type(),
                    x.at(),
                    x.arm(),
                    x.strata(),
                    x.dose(),
                    x.product(),
                    x.enteredInError(),
                    x.source()));
        }
        ArrivalOrderProperties.Input.Garbage g = (ArrivalOrderProperties.Input.Garbage) in;
        return new ArrivalOrderProperties.Input.Garbage(prefix + g.patientId(), g.onReadings());
    }
}
