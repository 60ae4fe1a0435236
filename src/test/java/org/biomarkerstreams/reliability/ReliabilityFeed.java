package org.biomarkerstreams.reliability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.biomarkerstreams.demo.CohortSpec;
import org.biomarkerstreams.demo.SyntheticCohort;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.streams.InputPublisher;

/**
 * The suite's input: a synthetic trial cohort (both arms, events, mixed units) whose patient ids are
 * canaries ({@code CANARY<run>-0001}, greppable in any log), with corrections (a higher revision of
 * every 20th reading) and exact resends (every 25th reading sent twice).
 *
 * <p>Records are sent in event-time order across both input topics (a reading at its observation
 * time, an event at its time), as a live feed delivers them.
 */
public final class ReliabilityFeed {

    /** Any patient id of any feed: what the suite's logs must never contain. */
    static final Pattern CANARY = Pattern.compile("CANARY[0-9a-z]{8}-\\d{4}");

    private final List<Object> records;
    private final List<String> patients;
    private final Map<String, Long> latestRevisions;
    private final int readings;

    private ReliabilityFeed(List<Object> records, List<String> patients, Map<String, Long> latestRevisions) {
        this.records = List.copyOf(records);
        this.patients = List.copyOf(patients);
        this.latestRevisions = Map.copyOf(latestRevisions);
        this.readings =
                (int) records.stream().filter(r -> r instanceof RawReading).count();
    }

    /** {@code patients} patients of a seeded cohort, ids made canaries of run {@code runId} (8 characters). */
    public static ReliabilityFeed generate(int patients, long seed, String runId) {
        if (runId.length() != 8) {
            throw new IllegalArgumentException("run id must have 8 characters: " + runId);
        }
        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.scaled(patients, seed));
        String prefix = "CANARY" + runId.toLowerCase(Locale.ROOT) + "-";
        record Timed(Instant at, int topic, String id, Object record) {}
        List<Timed> timed = new ArrayList<>();
        Set<Long> readingTimes = new HashSet<>();
        Map<String, Long> latest = new LinkedHashMap<>();
        int index = 0;
        for (RawReading r : cohort.readings()) {
            RawReading reading = rename(r, prefix);
            timed.add(new Timed(reading.observedAt(), 0, reading.readingId(), reading));
            readingTimes.add(reading.observedAt().toEpochMilli());
            latest.put(reading.patientId() + "|" + reading.readingId(), reading.revision());
            if (index % 25 == 7) {
                timed.add(new Timed(reading.observedAt(), 0, reading.readingId() + "#resend", reading));
            }
            if (index % 20 == 3 && isNumber(reading.value())) {
                RawReading corrected = corrected(reading);
                timed.add(new Timed(reading.observedAt(), 0, reading.readingId() + "#r1", corrected));
                latest.put(reading.patientId() + "|" + reading.readingId(), corrected.revision());
            }
            index++;
        }
        for (RawClinicalEvent e : cohort.events()) {
            RawClinicalEvent event = rename(e, prefix);
            // A reading and an event of the same millisecond would let Streams pick either first.
            while (readingTimes.contains(event.at().toEpochMilli())) {
                event = event.withAt(event.at().plusMillis(1));
            }
            timed.add(new Timed(event.at(), 1, event.eventId(), event));
        }
        timed.sort(Comparator.comparing(Timed::at).thenComparing(Timed::topic).thenComparing(Timed::id));
        List<String> ids = cohort.readings().stream()
                .map(r -> prefix + r.patientId().substring(r.patientId().length() - 4))
                .distinct()
                .toList();
        return new ReliabilityFeed(timed.stream().map(Timed::record).toList(), ids, latest);
    }

    List<Object> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    int readings() {
        return readings;
    }

    List<String> patients() {
        return patients;
    }

    /** {@code patientId|readingId} of every reading to its last revision: one live trajectory point each. */
    Map<String, Long> latestRevisions() {
        return latestRevisions;
    }

    /**
     * Sends records {@code from} (inclusive) to {@code to} (exclusive) at about {@code perSecond},
     * flushing whenever the topic changes and at the end.
     */
    public void publish(InputPublisher publisher, int from, int to, double perSecond) throws InterruptedException {
        long started = System.nanoTime();
        boolean lastWasEvent = false;
        for (int i = from; i < to; i++) {
            Object record = records.get(i);
            boolean isEvent = record instanceof RawClinicalEvent;
            if (i > from && isEvent != lastWasEvent) {
                publisher.flush();
            }
            if (isEvent) {
                publisher.event((RawClinicalEvent) record);
            } else {
                publisher.reading((RawReading) record);
            }
            lastWasEvent = isEvent;
            long due = started + (long) ((i - from + 1) * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        publisher.flush();
    }

    private static RawReading rename(RawReading r, String prefix) {
        String patient = prefix + r.patientId().substring(r.patientId().length() - 4);
        return r.withIds(r.readingId().replace(r.patientId(), patient), patient);
    }

    static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static RawReading corrected(RawReading r) {
        double value = Double.parseDouble(r.value()) * 1.05;
        return new RawReading(
                r.readingId(),
                r.revision() + 1,
                r.patientId(),
                r.loinc(),
                r.analyte(),
                String.format(Locale.ROOT, "%.2f", value),
                r.unit(),
                r.observedAt(),
                ResultStatus.CORRECTED,
                r.referenceRange(),
                r.abnormalFlags(),
                r.source(),
                r.receivedAt().plusSeconds(3600));
    }

    private static RawClinicalEvent rename(RawClinicalEvent e, String prefix) {
        String patient = prefix + e.patientId().substring(e.patientId().length() - 4);
        return e.withIds(e.eventId().replace(e.patientId(), patient), patient);
    }
}
