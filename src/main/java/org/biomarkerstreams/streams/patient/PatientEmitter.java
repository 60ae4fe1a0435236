package org.biomarkerstreams.streams.patient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AnalyteRole;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Rejection;
import org.biomarkerstreams.streams.AvroBinary;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.Enrolment;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Redelivery;
import org.biomarkerstreams.streams.TopologyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the patient processor's records downstream: trajectory points, summaries and time to normalization
 * when they changed (or all of them again, {@link EmitMode#REDELIVERY}), and dead letters. Outputs carry the
 * timestamp of the input record that caused them, as Kafka Streams would; dead letters the wall clock.
 */
final class PatientEmitter {

    private static final Logger log = LoggerFactory.getLogger(PatientEmitter.class);

    /**
     * The patient field of the summary and time to normalization kept in {@link AnalyteState} to tell a changed
     * record from an unchanged one: empty, so that no store value puts a patient's pseudonym beside its id (the
     * store's key), which would make the changelog a table from pseudonyms back to ids. The views put the shown
     * patient back ({@link PatientViews}). Records kept by earlier releases carry the shown id: each differs once,
     * and is emitted once more, unchanged.
     */
    static final String KEPT_PATIENT = "";

    private static final String PATIENT_FIELD = "patientId";

    private final ProcessorContext<String, SpecificRecord> context;
    private final TopologyConfig config;
    private final Protocol protocol;
    private final PatientRecords records;
    private final ReadablePatientStores stores;
    private final PipelineCounters counters;
    private final DeadLetters deadLetters;
    private final LongSupplier streamTimeMs;

    private long inputTimestamp;
    private boolean emittedForInput;

    PatientEmitter(
            ProcessorContext<String, SpecificRecord> context,
            TopologyConfig config,
            ReadablePatientStores stores,
            PipelineCounters counters,
            LongSupplier streamTimeMs) {
        this.context = context;
        this.streamTimeMs = streamTimeMs;
        this.config = config;
        this.protocol = config.protocol();
        this.records = new PatientRecords(config);
        this.stores = stores;
        this.counters = counters;
        this.deadLetters = DeadLetters.forTopology(config);
    }

    /** Starts the emissions caused by one input record. */
    void begin(long timestamp) {
        inputTimestamp = timestamp;
        emittedForInput = false;
    }

    /** Whether the current input caused any record. */
    boolean emittedForInput() {
        return emittedForInput;
    }

    /** The analyte's time to normalization (primary analytes only) and summary. */
    void derived(PatientContext patient, String analyte, AnalyteState st, EmitMode mode) {
        Optional<AnalyteDefinition> def = config.profile().analyte(analyte);
        org.biomarkerstreams.domain.TimeToNormalization ttn = null;
        if (def.isPresent() && def.get().role() == AnalyteRole.PRIMARY) {
            Boolean baselineNormal = st.baseline == null ? null : st.baseline.normal();
            ttn = org.biomarkerstreams.domain.TimeToNormalization.derive(
                    protocol, patient.anchor(), baselineNormal, st.scan, patient.censoring(), streamTime());
            var ttnRecord = records.timeToNormalization(patient, analyte, ttn);
            byte[] ttnBytes = kept(ttnRecord.value());
            boolean changed = !Arrays.equals(ttnBytes, st.emittedTtn);
            if (changed || mode == EmitMode.REDELIVERY) {
                // Counted on the transition to an event, not on each re-emission of one.
                if (changed && Integer.valueOf(0).equals(ttn.cnsr()) && !wasEvent(st.emittedTtn)) {
                    counters.normalized(analyte);
                }
                st.emittedTtn = ttnBytes;
                forward(ttnRecord, mode);
            }
        }
        var summary = records.summary(patient, analyte, st, ttn);
        byte[] summaryBytes = kept(summary.value());
        if (mode == EmitMode.REDELIVERY || !Arrays.equals(summaryBytes, st.emittedSummary)) {
            st.emittedSummary = summaryBytes;
            forward(summary, mode);
        }
    }

    /**
     * The bytes of {@code record} as {@link AnalyteState} keeps it: those of the copy this emitter used to encode,
     * made with the record's builder, with {@link #KEPT_PATIENT} for its patient. The copy's maps were Avro's deep
     * copies (a {@link java.util.HashMap}: its entries in another order than the record's), so those are copied
     * here too; every other field is encoded from the record itself, swapped out and back.
     */
    static byte[] kept(SpecificRecordBase record) {
        List<Schema.Field> fields = record.getSchema().getFields();
        Object[] own = new Object[fields.size()];
        for (Schema.Field f : fields) {
            own[f.pos()] = record.get(f.pos());
            if (f.name().equals(PATIENT_FIELD)) {
                record.put(f.pos(), KEPT_PATIENT);
            } else if (f.schema().getType() == Schema.Type.MAP) {
                record.put(f.pos(), record.getSpecificData().deepCopy(f.schema(), own[f.pos()]));
            }
        }
        try {
            return AvroBinary.encode(record);
        } finally {
            for (Schema.Field f : fields) {
                record.put(f.pos(), own[f.pos()]);
            }
        }
    }

    private static boolean wasEvent(byte[] emittedTtn) {
        return emittedTtn != null
                && Integer.valueOf(0)
                        .equals(AvroBinary.decode(emittedTtn, TimeToNormalization.class)
                                .getCnsr());
    }

    void point(PatientContext patient, String analyte, StoredReading r, AnalyteState.Pick baseline, EmitMode mode) {
        forward(records.point(patient, analyte, r, baseline), mode);
    }

    void retractedPoint(PatientContext patient, String analyte, StoredReading r, long revision) {
        forward(records.retractedPoint(patient, analyte, r, revision), EmitMode.CHANGES);
    }

    /** Every point of the analyte, in time order: after the anchor moved, or in a redelivery. */
    void allPoints(PatientContext patient, String analyte, AnalyteState st, EmitMode mode) {
        stores.forEachReading(patient.id(), analyte, r -> point(patient, analyte, r, st.baseline, mode));
    }

    /**
     * After a baseline change: the old and new baseline points (their flag changed), then every post-anchor
     * point (chg, pchg), in time order. The baseline points are looked up by key and the scan starts at the
     * anchor: scanning the whole baseline window made a patient with many pre-anchor readings pay for all of
     * them on every new baseline.
     */
    void pointsAfterBaselineChange(
            PatientContext patient, String analyte, AnalyteState st, AnalyteState.Pick oldBaseline) {
        Instant anchor = patient.anchor();
        if (anchor == null) {
            return;
        }
        List<AnalyteState.Pick> flagged = new ArrayList<>(2);
        if (oldBaseline != null) {
            flagged.add(oldBaseline);
        }
        if (st.baseline != null
                && (oldBaseline == null || !st.baseline.readingId().equals(oldBaseline.readingId()))) {
            flagged.add(st.baseline);
        }
        // Time order, as the store keys order them.
        flagged.sort((a, b) -> a.isAfter(b) ? 1 : b.isAfter(a) ? -1 : 0);
        for (AnalyteState.Pick pick : flagged) {
            StoredReading r = stores.reading(patient.id(), analyte, pick);
            // A post-anchor baseline cannot exist; were one there, the scan below emits it once.
            if (r != null && !r.observedAt().isAfter(anchor)) {
                point(patient, analyte, r, st.baseline, EmitMode.CHANGES);
            }
        }
        stores.forEachReading(patient.id(), analyte, anchor.toEpochMilli(), Long.MAX_VALUE, r -> {
            if (r.observedAt().isAfter(anchor)) {
                point(patient, analyte, r, st.baseline, EmitMode.CHANGES);
            }
        });
    }

    /**
     * The patient's anchor, arm and strata, for the visit cohort's N: sent when one of them changed, or again in a
     * redelivery. Not an output of the input's latency: only the visit cohort's contributor reads it.
     */
    void enrolment(PatientContext patient, EmitMode mode) {
        // The shown id, as on the summaries: the cohort's member token is made from it, and its sent store is keyed
        // by it, so with pseudonyms no cohort store names the patient and one patient is one member.
        String shown = records.shown(patient);
        Record<String, SpecificRecord> record = new Record<>(
                shown, new Enrolment(shown, patient.anchor(), patient.arm(), patient.strata()), inputTimestamp);
        if (mode == EmitMode.REDELIVERY) {
            Redelivery.mark(record.headers());
        }
        context.forward(record);
    }

    /** A dead letter for the current input, with its position and the original bytes. */
    void deadLetter(Record<String, ?> input, byte[] raw, Rejection rejection) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        DeadLetters.Source source = new DeadLetters.Source(
                meta.map(RecordMetadata::topic).orElse("unknown"),
                meta.map(RecordMetadata::partition).orElse(-1),
                meta.map(RecordMetadata::offset).orElse(-1L));
        counters.deadLettered(source.topic(), rejection.code());
        // The code only: a rejection's message may quote the value (it stays in the dead letter).
        log.warn(
                "Dead-lettering record from {}-{}@{}: {}",
                source.topic(),
                source.partition(),
                source.offset(),
                rejection.code());
        byte[] key = input.key() == null ? null : input.key().getBytes(StandardCharsets.UTF_8);
        emittedForInput = true;
        context.forward(new Record<String, SpecificRecord>(
                deadLetters.recordKey(input.key()),
                deadLetters.of(
                        source,
                        key,
                        raw,
                        Instant.ofEpochMilli(input.timestamp()),
                        rejection.code(),
                        rejection.message()),
                deadLetters.timestamp()));
    }

    private void forward(PatientRecords.Keyed<? extends SpecificRecord> output, EmitMode mode) {
        emittedForInput = true;
        Record<String, SpecificRecord> record = new Record<>(output.key(), output.value(), inputTimestamp);
        if (mode == EmitMode.REDELIVERY) {
            Redelivery.mark(record.headers());
        }
        context.forward(record);
    }

    private Instant streamTime() {
        return Instant.ofEpochMilli(Math.max(0L, streamTimeMs.getAsLong()));
    }
}
