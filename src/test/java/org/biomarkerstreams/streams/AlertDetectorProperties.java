package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.PATIENT;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.domain.AlertKind;
import org.biomarkerstreams.domain.OxygenationIndex;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.biomarkerstreams.streams.patient.StoredReading;

/**
 * The alert detector judges only the series points an input can affect. Its specification is simpler: after every
 * input, rebuild the patient's whole alert series from the readings store (lymphocytes as reported; PaO2/FiO2 as
 * reported plus every PaO2 paired with its nearest FiO2 within 30 minutes and no reported ratio within 30
 * minutes), judge every point against the one before it, and raise each crossing whose alert id was never raised.
 * This property holds the detector to that on dense random feeds: readings minutes apart, so pairing windows
 * overlap, with corrections that move a reading in time or to another analyte, retractions, duplicates and stale
 * revisions.
 */
class AlertDetectorProperties {

    private static final List<String> ANALYTES =
            List.of(OxygenationIndex.RATIO, OxygenationIndex.PAO2, OxygenationIndex.FIO2, "LYMPH");
    private static final long PAIRING_MS = OxygenationIndex.PAIRING.toMillis();

    private record Sent(String analyte, long revision) {}

    private record Expected(String alertId, double value, Double previous, boolean derived) {}

    private record Point(String readingId, long at, double value, boolean derived) {}

    @Property(tries = 100)
    void shouldRaiseWhatTheWholeSeriesJudgedAfterEveryInputRaises(@ForAll long seed) {
        Random random = new Random(seed);
        try (TopologyHarness harness = new TopologyHarness()) {
            if (random.nextBoolean()) {
                harness.send(infusionAt(INFUSION));
            }
            Map<String, Sent> sent = new HashMap<>();
            Set<String> raised = new HashSet<>();
            int ids = 3 + random.nextInt(14);
            int inputs = 5 + random.nextInt(45);
            for (int i = 0; i < inputs; i++) {
                String id = "r" + random.nextInt(ids);
                harness.send(next(random, id, sent));
                List<Expected> expected = judgeWholeSeries(harness.store(PatientStores.READINGS), raised);
                List<BiomarkerAlert> got = harness.alertList;
                assertThat(got.stream()
                                .map(a -> new Expected(
                                        a.getAlertId(), a.getValue(), a.getPreviousValue(), a.getDerived()))
                                .toList())
                        .as("alerts after input %d of seed %d", i, seed)
                        .isEqualTo(expected);
                got.clear();
            }
        }
    }

    /** A new reading, or for an id already sent: a correction, a retraction, a duplicate or a stale revision. */
    private static org.biomarkerstreams.domain.RawReading next(Random random, String id, Map<String, Sent> sent) {
        Sent before = sent.get(id);
        String analyte = before == null || random.nextInt(5) == 0
                ? ANALYTES.get(random.nextInt(ANALYTES.size()))
                : before.analyte();
        long revision = 0;
        ResultStatus status = ResultStatus.FINAL;
        if (before != null) {
            int kind = random.nextInt(10);
            revision = kind == 0
                    ? before.revision()
                    : kind == 1 ? Math.max(0, before.revision() - 1) : before.revision() + 1;
            status = kind < 2 ? ResultStatus.FINAL : kind == 2 ? ResultStatus.DELETED : ResultStatus.CORRECTED;
        }
        if (before == null || revision > before.revision()) {
            sent.put(id, new Sent(analyte, revision));
        }
        Instant at = DAY_1.plus(Duration.ofMinutes(5L * random.nextInt(36)));
        var reading =
                aReading().of(analyte).id(id).revision(revision).status(status).at(at);
        return switch (analyte) {
            case OxygenationIndex.RATIO ->
                reading.value(40 + 10 * random.nextInt(40), "mm[Hg]").build();
            case OxygenationIndex.PAO2 ->
                reading.value(30 + 5 * random.nextInt(25), "mm[Hg]").build();
            case OxygenationIndex.FIO2 ->
                random.nextBoolean()
                        ? reading.value(0.21 + 0.01 * random.nextInt(80), "1").build()
                        : reading.value(21 + random.nextInt(80), "%").build();
            default -> reading.value(0.1 * (1 + random.nextInt(15)), "10*9/L").build();
        };
    }

    /** Both series rebuilt from the store, every point judged, the crossings not yet raised (now remembered). */
    private static List<Expected> judgeWholeSeries(KeyValueStore<Bytes, StoredReading> store, Set<String> raised) {
        List<Expected> out = new ArrayList<>();
        Map<String, List<StoredReading>> readings = new HashMap<>();
        for (String analyte : ANALYTES) {
            List<StoredReading> list = new ArrayList<>();
            try (KeyValueIterator<Bytes, StoredReading> it = store.range(
                    StoreKeys.readingsAll(PATIENT, analyte, false), StoreKeys.readingsAll(PATIENT, analyte, true))) {
                it.forEachRemaining(kv -> list.add(kv.value));
            }
            readings.put(analyte, list);
        }
        List<Point> ratio = new ArrayList<>();
        readings.get(OxygenationIndex.RATIO).forEach(r -> ratio.add(reported(r)));
        for (StoredReading pao2 : readings.get(OxygenationIndex.PAO2)) {
            long at = pao2.observedAt().toEpochMilli();
            if (readings.get(OxygenationIndex.RATIO).stream().anyMatch(r -> near(r, at))) {
                continue;
            }
            StoredReading nearest = null;
            for (StoredReading f : readings.get(OxygenationIndex.FIO2)) {
                if (near(f, at) && (nearest == null || distance(f, at) <= distance(nearest, at))) {
                    nearest = f;
                }
            }
            if (nearest != null && nearest.value() > 0 && nearest.value() <= 1) {
                ratio.add(new Point(pao2.readingId(), at, OxygenationIndex.ratio(pao2.value(), nearest.value()), true));
            }
        }
        ratio.sort(AlertDetectorProperties::compare);
        // One input can touch both series (a correction that moves a reading to another analyte): the detector
        // judges them in the order of their names.
        judge(
                "LYMPH",
                readings.get("LYMPH").stream()
                        .map(AlertDetectorProperties::reported)
                        .toList(),
                raised,
                out);
        judge(OxygenationIndex.RATIO, ratio, raised, out);
        return out;
    }

    private static void judge(String series, List<Point> points, Set<String> raised, List<Expected> out) {
        for (int i = 0; i < points.size(); i++) {
            Double previous = i == 0 ? null : points.get(i - 1).value();
            Point point = points.get(i);
            for (AlertKind kind : AlertKind.crossings(series, previous, point.value())) {
                String alertId = kind.name() + ':' + point.readingId();
                if (raised.add(alertId)) {
                    out.add(new Expected(alertId, point.value(), previous, point.derived()));
                }
            }
        }
    }

    private static Point reported(StoredReading r) {
        return new Point(r.readingId(), r.observedAt().toEpochMilli(), r.value(), false);
    }

    private static boolean near(StoredReading r, long at) {
        return distance(r, at) <= PAIRING_MS;
    }

    private static long distance(StoredReading r, long at) {
        return Math.abs(r.observedAt().toEpochMilli() - at);
    }

    /** The readings store's order: time, then reading id as unsigned bytes. */
    private static int compare(Point a, Point b) {
        return a.at() != b.at()
                ? Long.compare(a.at(), b.at())
                : Arrays.compareUnsigned(
                        a.readingId().getBytes(StandardCharsets.UTF_8),
                        b.readingId().getBytes(StandardCharsets.UTF_8));
    }
}
