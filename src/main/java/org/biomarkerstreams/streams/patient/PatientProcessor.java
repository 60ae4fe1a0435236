package org.biomarkerstreams.streams.patient;

import org.biomarkerstreams.streams.Decoded;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.Outputs;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.StoreKeys;
import org.biomarkerstreams.streams.TopologyConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AnalyteRole;
import org.biomarkerstreams.domain.CensoringEvent;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.LabReferenceRange;
import org.biomarkerstreams.domain.NormalizationScan;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ReadingNormalizer;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.Rejection;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.TimeToNormalization;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.domain.VisitWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the topology: one processor per partition that sees both a patient's readings and
 * clinical events (the input topics are co-partitioned by patient id), keeps them in range-scannable
 * stores, and emits trajectory points, summaries and time-to-normalization records whenever what
 * they derive from changes. Results depend only on the set of records, not on their arrival order:
 * every incremental shortcut below falls back to a bounded rescan when a record arrives out of order.
 */
public final class PatientProcessor implements Processor<String, PatientInput, String, SpecificRecord> {

    public static final String READINGS_STORE = "readings";
    public static final String INDEX_STORE = "reading-index";
    public static final String PATIENTS_STORE = "patients";
    public static final String ANALYTES_STORE = "analyte-state";
    public static final String CLOSE_STORE = "close-schedule";
    /**
     * Pseudonym to patient id, for the query views (written once per patient and analyte, and only
     * with a pseudonym key): the API is asked by pseudonym and reads this processor's stores by id.
     */
    public static final String PSEUDONYMS_STORE = "patient-pseudonyms";

    private static final Logger log = LoggerFactory.getLogger(PatientProcessor.class);
    private static final byte[] EMPTY = new byte[0];

    /**
     * The most of an input value a dead letter keeps. Half the producer's default max.request.size (1 MiB), leaving
     * room for the key, the message and the record overhead: a dead letter that does not fit would fail the
     * transaction and put the application in a crash loop on the same input. A value up to this size is kept whole and
     * can be replayed; a larger one (only possible with --max-record-bytes raised above it, or for an OVERSIZED record)
     * keeps its first bytes for diagnosis, and {@code payloadSize} tells it was cut.
     */
    public static final int MAX_DEAD_LETTER_PAYLOAD = 512 * 1024;

    /** The most characters of a rejection message a dead letter keeps. */
    public static final int MAX_DEAD_LETTER_MESSAGE = 4096;

    private static final byte[] PURGE = {1};

    private final TopologyConfig config;
    private final Protocol protocol;
    private final ReadingNormalizer normalizer;
    private final UnitConverter converter;
    private final PipelineCounters counters;
    private final Outputs outputs;

    private ProcessorContext<String, SpecificRecord> context;
    private long inputTimestamp;
    private boolean emittedForInput;

    /*
     * A cache of the close schedule, so that a record with nothing due costs no store seek: the
     * earliest due time that may be in the store (MIN_VALUE = unknown, MAX_VALUE = empty), and the
     * time before which every entry has been processed. Processed entries are deletes, and a RocksDB
     * seek from the start of the key space would step over all their tombstones on every record.
     */
    private long nextDue = Long.MIN_VALUE;
    private long scannedFrom = Long.MIN_VALUE;
    private KeyValueStore<Bytes, byte[]> readings;
    private KeyValueStore<String, byte[]> index;
    private KeyValueStore<String, byte[]> patients;
    private KeyValueStore<String, byte[]> analytes;
    private KeyValueStore<Bytes, byte[]> closeSchedule;
    private KeyValueStore<String, byte[]> pseudonyms;

    public PatientProcessor(TopologyConfig config, UnitConverter converter, PipelineCounters counters) {
        this.config = config;
        this.converter = converter;
        this.protocol = config.protocol();
        this.normalizer = new ReadingNormalizer(config.profile(), converter);
        this.counters = counters;
        this.outputs = new Outputs(config);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.readings = context.getStateStore(READINGS_STORE);
        this.index = context.getStateStore(INDEX_STORE);
        this.patients = context.getStateStore(PATIENTS_STORE);
        this.analytes = context.getStateStore(ANALYTES_STORE);
        this.closeSchedule = context.getStateStore(CLOSE_STORE);
        this.pseudonyms = context.getStateStore(PSEUDONYMS_STORE);
    }

    /** While an exact duplicate's outputs are re-emitted: they carry {@link Outputs#REDELIVERY_HEADER}. */
    private boolean redelivering;

    @Override
    public void process(Record<String, PatientInput> record) {
        inputTimestamp = record.timestamp();
        emittedForInput = false;
        if (record.value() instanceof PatientInput.Reading reading) {
            counters.seen(config.topics().readings(), record.timestamp());
            onReading(record, reading.decoded());
        } else if (record.value() instanceof PatientInput.Event event) {
            counters.seen(config.topics().events(), record.timestamp());
            onEvent(record, event.decoded());
        }
        Instant ingestedAt = receivedAt(record);
        if (emittedForInput && ingestedAt != null) {
            counters.emitted(ingestedAt);
        }
        // Not part of the input's latency: what closes here is due by stream time, not caused by the record.
        closeDueFollowUps(record.timestamp());
    }

    /**
     * When the record entered the pipeline, where known: the ingest's receivedAt of a reading. Not the
     * record timestamp: the timestamp extractor made that the event time, and wall clock minus event
     * time is the age of the data (years in a backfill), which the freshness gauge already reports.
     */
    private static Instant receivedAt(Record<String, PatientInput> record) {
        if (record.value() instanceof PatientInput.Reading reading
                && reading.decoded().isOk()) {
            return reading.decoded().value().getReceivedAt();
        }
        return null;
    }

    // ---------------------------------------------------------------- readings

    private void onReading(Record<String, PatientInput> record, Decoded<LabReading> decoded) {
        String topic = config.topics().readings();
        counters.in(topic);
        if (!decoded.isOk()) {
            deadLetter(record, decoded.raw(), decoded.code().name(), decoded.error());
            return;
        }
        RawReading raw = InputMapping.fromAvro(decoded.value());
        Result<ValidReading> valid = validate(raw, record.key());
        if (!valid.isOk()) {
            deadLetter(
                    record,
                    decoded.raw(),
                    valid.rejection().code().name(),
                    valid.rejection().message());
            return;
        }
        PatientState state = loadPatient(raw.patientId());
        if (rejectIfArchived(record, decoded.raw(), state)) {
            return;
        }
        apply(record, valid.value(), decoded.raw(), contextOf(raw.patientId(), state));
    }

    private boolean rejectIfArchived(Record<String, PatientInput> record, byte[] raw, PatientState state) {
        if (!state.archived()) {
            return false;
        }
        deadLetter(
                record,
                raw,
                ErrorCode.PATIENT_ARCHIVED.name(),
                "the patient's follow-up closed and its state was purged after the retention period ("
                        + config.stateRetention().toDays()
                        + " days); late data needs a reprocessing run");
        return true;
    }

    /** A reading that passed validation; {@code stored} is null for a retraction. */
    private record ValidReading(
            String patientId,
            String readingId,
            long revision,
            boolean retracts,
            long contentHash,
            String analyte,
            StoredReading stored) {}

    private Result<ValidReading> validate(RawReading raw, String key) {
        if (!StoreKeys.isKeySafe(raw.patientId())) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "patientId is missing or blank");
        }
        if (!StoreKeys.isKeySafe(raw.readingId())) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "readingId is missing or blank");
        }
        if (!raw.patientId().equals(key)) {
            return Result.rejected(
                    ErrorCode.KEY_MISMATCH, "record key differs from patientId: records must be keyed by patient id");
        }
        if (raw.revision() < 0) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "revision must be >= 0, got " + raw.revision());
        }
        Instant at = raw.observedAt();
        if (at != null && isFuture(at)) {
            return Result.rejected(ErrorCode.FUTURE_TIMESTAMP, "observedAt " + at + " is in the future");
        }
        long hash = ContentHash.of(raw);
        if (raw.status().retracts()) {
            return Result.ok(
                    new ValidReading(raw.patientId(), raw.readingId(), raw.revision(), true, hash, null, null));
        }
        if (at == null) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "observedAt is missing");
        }
        Result<NormalizedValue> normalized = normalizer.normalize(raw.loinc(), raw.analyte(), raw.value(), raw.unit());
        if (!normalized.isOk()) {
            return Result.rejected(
                    normalized.rejection().code(), normalized.rejection().message());
        }
        NormalizedValue v = normalized.value();
        Optional<ReferenceInterval> interval = v.interval();
        if (config.labRanges() && raw.referenceRange() != null) {
            Optional<ReferenceInterval> lab =
                    LabReferenceRange.inCanonicalUnit(raw.referenceRange(), raw.unit(), v.analyte(), converter);
            if (lab.isPresent()) {
                interval = lab;
            }
        }
        double value = v.canonical().value();
        StoredReading stored = new StoredReading(
                raw.readingId(),
                raw.revision(),
                at,
                value,
                v.comparator(),
                v.assayType(),
                interval.map(i -> i.classify(value)).orElse(null),
                interval.map(ReferenceInterval::low).orElse(null),
                interval.map(ReferenceInterval::high).orElse(null),
                raw.status(),
                raw.receivedAt());
        return Result.ok(new ValidReading(
                raw.patientId(),
                raw.readingId(),
                raw.revision(),
                false,
                hash,
                v.analyte().paramcd(),
                stored));
    }

    private boolean isFuture(Instant at) {
        return at.toEpochMilli()
                > config.clock().millis() + config.futureTolerance().toMillis();
    }

    private void apply(Record<String, PatientInput> record, ValidReading r, byte[] raw, PatientContext patient) {
        String topic = config.topics().readings();
        String indexKey = StoreKeys.patientReading(r.patientId(), r.readingId());
        byte[] previousBytes = index.get(indexKey);
        IndexEntry previous = previousBytes == null ? null : IndexEntry.decode(previousBytes);
        if (previous != null) {
            if (r.revision() < previous.revision()
                    || (r.revision() == previous.revision() && r.contentHash() == previous.contentHash())) {
                counters.duplicate(topic);
                if (config.redeliverDuplicates() && r.revision() == previous.revision() && !r.retracts()) {
                    redeliver(patient, r);
                }
                return;
            }
            if (r.revision() == previous.revision()) {
                deadLetter(
                        record,
                        raw,
                        ErrorCode.CONFLICTING_REVISION.name(),
                        "revision " + r.revision()
                                + " was already received with different content; send a higher revision to correct");
                return;
            }
        }
        counters.accepted(topic);
        StoredReading removed = null;
        String removedAnalyte = null;
        if (previous != null && !previous.deleted()) {
            Bytes oldKey = StoreKeys.reading(
                    r.patientId(), previous.analyte(), previous.observedAt().toEpochMilli(), r.readingId());
            byte[] old = readings.delete(oldKey);
            if (old != null) {
                removed = StoredReading.decode(old);
                removedAnalyte = previous.analyte();
            }
        }
        if (r.retracts()) {
            counters.retracted(topic);
            index.put(indexKey, new IndexEntry(r.revision(), r.contentHash(), true, removedAnalyte, null).encode());
            if (removed != null) {
                update(patient, removedAnalyte, removed, false);
                forward(outputs.retractedPoint(patient, removedAnalyte, removed, r.revision()));
            }
            return;
        }
        if (removed != null) {
            counters.corrected(topic);
            update(patient, removedAnalyte, removed, false);
        }
        StoredReading stored = r.stored();
        readings.put(
                StoreKeys.reading(
                        r.patientId(), r.analyte(), stored.observedAt().toEpochMilli(), r.readingId()),
                stored.encode());
        index.put(
                indexKey,
                new IndexEntry(r.revision(), r.contentHash(), false, r.analyte(), stored.observedAt()).encode());
        update(patient, r.analyte(), stored, true);
    }

    /**
     * Applies an exact duplicate of a reading again and re-emits what it derives, marked as a
     * redelivery so that the downstream processors re-send theirs (see {@link
     * TopologyConfig#redeliverDuplicates()}). After a crash under at_least_once each store may have kept
     * or lost its last writes independently (every store has its own changelog), so the reading is put
     * back and its analyte's state is recomputed from the readings store rather than trusted.
     */
    private void redeliver(PatientContext patient, ValidReading r) {
        rememberPseudonym(patient.id());
        StoredReading stored = r.stored();
        readings.put(
                StoreKeys.reading(
                        r.patientId(), r.analyte(), stored.observedAt().toEpochMilli(), r.readingId()),
                stored.encode());
        AnalyteState st = loadAnalyte(patient.id(), r.analyte());
        rebuild(patient, r.analyte(), st);
        st.count = countReadings(patient.id(), r.analyte());
        redelivering = true;
        try {
            emitDerived(patient, r.analyte(), st, true);
            forward(outputs.point(patient, r.analyte(), stored, st.baseline));
        } finally {
            redelivering = false;
        }
        saveAnalyte(patient.id(), r.analyte(), st);
    }

    private int countReadings(String patientId, String analyte) {
        int n = 0;
        try (KeyValueIterator<Bytes, byte[]> it = readings.range(
                StoreKeys.readingsAll(patientId, analyte, false), StoreKeys.readingsAll(patientId, analyte, true))) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /**
     * Folds one added or removed reading into the analyte's summary state, rescanning only the range
     * whose answer the change can affect, then emits what changed.
     */
    private void update(PatientContext patient, String analyte, StoredReading r, boolean added) {
        AnalyteState st = loadAnalyte(patient.id(), analyte);
        AnalyteState.Pick pick = AnalyteState.Pick.of(r);
        st.count += added ? 1 : -1;
        if (added) {
            if (st.latest == null || pick.isAfter(st.latest) || pick.readingId().equals(st.latest.readingId())) {
                st.latest = pick;
            }
        } else if (st.latest != null && st.latest.readingId().equals(r.readingId())) {
            st.latest = lastReading(patient.id(), analyte, Long.MAX_VALUE);
        }
        AnalyteState.Pick baselineBefore = st.baseline;
        Instant anchor = patient.anchor();
        if (anchor != null) {
            if (protocol.inBaselineWindow(anchor, r.observedAt())) {
                if (added) {
                    if (st.baseline == null || pick.isAfter(st.baseline)) {
                        st.baseline = pick;
                    }
                } else if (st.baseline != null && st.baseline.readingId().equals(r.readingId())) {
                    st.baseline = findBaseline(patient.id(), analyte, anchor);
                }
            }
            int pdy = StudyDay.pdy(anchor, r.observedAt(), protocol.zone());
            for (VisitWindow w : protocol.visits()) {
                if (!w.contains(pdy)) {
                    continue;
                }
                AnalyteState.Pick current = st.visits.get(w.name());
                if (added) {
                    if (current == null || visitPrefers(w, anchor, pick, current)) {
                        st.visits.put(w.name(), pick);
                    }
                } else if (current != null && current.readingId().equals(r.readingId())) {
                    putOrRemove(st.visits, w.name(), findVisit(patient.id(), analyte, anchor, w));
                }
            }
            if (protocol.inFollowUp(anchor, r.observedAt())) {
                if (added) {
                    st.nadir = st.nadir == null ? r.value() : Math.min(st.nadir, r.value());
                    st.peak = st.peak == null ? r.value() : Math.max(st.peak, r.value());
                } else if (Objects.equals(st.nadir, r.value()) || Objects.equals(st.peak, r.value())) {
                    rescanFollowUp(patient, analyte, st);
                }
            }
            Instant end = TimeToNormalization.observationEnd(protocol, anchor, patient.censoring());
            if (r.observedAt().isAfter(anchor) && !r.observedAt().isAfter(end)) {
                NormalizationScan scan = st.scan;
                if (added && (scan.lastReadingAt() == null || r.observedAt().isAfter(scan.lastReadingAt()))) {
                    st.scan = scan.accept(r.observedAt(), Boolean.TRUE.equals(r.normal()), protocol.confirmation());
                } else if (!(scan.eventFound() && r.observedAt().isAfter(scan.confirmedAt()))) {
                    st.scan = scanNormalization(patient.id(), analyte, anchor, end);
                }
            }
        }
        emitDerived(patient, analyte, st);
        if (added) {
            forward(outputs.point(patient, analyte, r, st.baseline));
        }
        if (!Objects.equals(baselineBefore, st.baseline)) {
            reemitPoints(patient, analyte, st, baselineBefore);
        }
        saveAnalyte(patient.id(), analyte, st);
    }

    private boolean visitPrefers(
            VisitWindow w, Instant anchor, AnalyteState.Pick candidate, AnalyteState.Pick current) {
        int cPdy = StudyDay.pdy(anchor, candidate.at(), protocol.zone());
        int curPdy = StudyDay.pdy(anchor, current.at(), protocol.zone());
        if (w.prefers(cPdy, candidate.at(), curPdy, current.at())) {
            return true;
        }
        if (w.prefers(curPdy, current.at(), cPdy, candidate.at())) {
            return false;
        }
        return candidate.readingId().compareTo(current.readingId()) >= 0;
    }

    // ---------------------------------------------------------------- events

    private void onEvent(Record<String, PatientInput> record, Decoded<ClinicalEvent> decoded) {
        String topic = config.topics().events();
        counters.in(topic);
        if (!decoded.isOk()) {
            deadLetter(record, decoded.raw(), decoded.code().name(), decoded.error());
            return;
        }
        RawClinicalEvent raw = InputMapping.fromAvro(decoded.value());
        Rejection rejection = validate(raw, record.key());
        if (rejection != null) {
            deadLetter(record, decoded.raw(), rejection.code().name(), rejection.message());
            return;
        }
        PatientState before = loadPatient(raw.patientId());
        if (rejectIfArchived(record, decoded.raw(), before)) {
            return;
        }
        PatientState.EventRecord previous = before.events().get(raw.eventId());
        long hash = ContentHash.of(raw);
        if (previous != null) {
            if (raw.revision() < previous.revision()
                    || (raw.revision() == previous.revision() && hash == previous.contentHash())) {
                counters.duplicate(topic);
                if (config.redeliverDuplicates() && raw.revision() == previous.revision()) {
                    redelivering = true;
                    try {
                        rebuildPatient(contextOf(raw.patientId(), before), true, true);
                    } finally {
                        redelivering = false;
                    }
                }
                return;
            }
            if (raw.revision() == previous.revision()) {
                deadLetter(
                        record,
                        decoded.raw(),
                        ErrorCode.CONFLICTING_REVISION.name(),
                        "event revision " + raw.revision() + " was already received with different content");
                return;
            }
        }
        counters.accepted(topic);
        PatientState after = before.with(new PatientState.EventRecord(
                raw.eventId(),
                raw.revision(),
                hash,
                raw.type(),
                raw.at(),
                raw.arm(),
                raw.strata(),
                raw.dose(),
                raw.product(),
                raw.enteredInError()));
        patients.put(raw.patientId(), after.encode());
        Instant oldAnchor = before.anchor();
        Instant newAnchor = after.anchor();
        if (!Objects.equals(oldAnchor, newAnchor)) {
            if (oldAnchor != null) {
                closeSchedule.delete(
                        StoreKeys.closeAt(protocol.closesAt(oldAnchor).toEpochMilli(), raw.patientId()));
            }
            if (newAnchor != null) {
                long due = protocol.closesAt(newAnchor).toEpochMilli();
                closeSchedule.put(StoreKeys.closeAt(due, raw.patientId()), EMPTY);
                nextDue = Math.min(nextDue, due);
                scannedFrom = Math.min(scannedFrom, due);
            }
        }
        boolean anchorChanged = !Objects.equals(oldAnchor, newAnchor);
        boolean derivedChanged = anchorChanged
                || !before.censoring(oldAnchor).equals(after.censoring(newAnchor))
                || !Objects.equals(before.arm(), after.arm())
                || !before.strata().equals(after.strata());
        if (derivedChanged) {
            rebuildPatient(contextOf(raw.patientId(), after), anchorChanged);
        }
    }

    private Rejection validate(RawClinicalEvent raw, String key) {
        if (!StoreKeys.isKeySafe(raw.patientId())) {
            return new Rejection(ErrorCode.MISSING_FIELD, "patientId is missing or blank");
        }
        if (!StoreKeys.isKeySafe(raw.eventId())) {
            return new Rejection(ErrorCode.MISSING_FIELD, "eventId is missing or blank");
        }
        if (!raw.patientId().equals(key)) {
            return new Rejection(
                    ErrorCode.KEY_MISMATCH, "record key differs from patientId: records must be keyed by patient id");
        }
        if (raw.type() == null) {
            return new Rejection(ErrorCode.INVALID_EVENT, "event type is missing or unknown");
        }
        if (raw.at() == null && !raw.enteredInError()) {
            return new Rejection(ErrorCode.MISSING_FIELD, "event time 'at' is missing");
        }
        if (raw.at() != null && isFuture(raw.at())) {
            return new Rejection(ErrorCode.FUTURE_TIMESTAMP, "event time " + raw.at() + " is in the future");
        }
        return null;
    }

    /** Recomputes every analyte of a patient after its anchor, censoring, arm or strata changed. */
    private void rebuildPatient(PatientContext patient, boolean reemitAllPoints) {
        rebuildPatient(patient, reemitAllPoints, false);
    }

    /** As above; {@code force} emits every derived record, changed or not (a redelivery). */
    private void rebuildPatient(PatientContext patient, boolean reemitAllPoints, boolean force) {
        for (AnalyteDefinition def : config.profile().analytes()) {
            String analyte = def.paramcd();
            byte[] bytes = analytes.get(StoreKeys.patientAnalyte(patient.id(), analyte));
            if (bytes == null) {
                continue;
            }
            AnalyteState st = AnalyteState.decode(bytes);
            rebuild(patient, analyte, st);
            emitDerived(patient, analyte, st, force);
            if (reemitAllPoints) {
                try (KeyValueIterator<Bytes, byte[]> it = readings.range(
                        StoreKeys.readingsAll(patient.id(), analyte, false),
                        StoreKeys.readingsAll(patient.id(), analyte, true))) {
                    while (it.hasNext()) {
                        forward(outputs.point(patient, analyte, StoredReading.decode(it.next().value), st.baseline));
                    }
                }
            }
            saveAnalyte(patient.id(), analyte, st);
        }
    }

    private void rebuild(PatientContext patient, String analyte, AnalyteState st) {
        st.latest = lastReading(patient.id(), analyte, Long.MAX_VALUE);
        st.visits.clear();
        Instant anchor = patient.anchor();
        if (anchor == null) {
            st.baseline = null;
            st.nadir = null;
            st.peak = null;
            st.scan = NormalizationScan.EMPTY;
            return;
        }
        st.baseline = findBaseline(patient.id(), analyte, anchor);
        for (VisitWindow w : protocol.visits()) {
            putOrRemove(st.visits, w.name(), findVisit(patient.id(), analyte, anchor, w));
        }
        rescanFollowUp(patient, analyte, st);
        st.scan = scanNormalization(
                patient.id(),
                analyte,
                anchor,
                TimeToNormalization.observationEnd(protocol, anchor, patient.censoring()));
    }

    // ---------------------------------------------------------------- follow-up close

    /** Emits final records for patients whose follow-up closed at the current stream time. */
    private void closeDueFollowUps(long recordTimestamp) {
        long streamTime = Math.max(context.currentStreamTimeMs(), recordTimestamp);
        if (streamTime < nextDue) {
            return;
        }
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = closeSchedule.range(
                StoreKeys.closeScheduleFrom(scannedFrom), StoreKeys.closeScheduleUpTo(streamTime))) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        scannedFrom = streamTime + 1;
        try (KeyValueIterator<Bytes, byte[]> it =
                closeSchedule.range(StoreKeys.closeScheduleFrom(scannedFrom), StoreKeys.closeScheduleEnd())) {
            nextDue = it.hasNext() ? StoreKeys.closeTime(it.next().key) : Long.MAX_VALUE;
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            closeSchedule.delete(entry.key);
            String patientId = StoreKeys.closePatient(entry.key);
            if (entry.value.length > 0 && entry.value[0] == PURGE[0]) {
                purgeIfStillDue(patientId, streamTime);
            } else {
                closeFollowUp(patientContext(patientId));
            }
        }
    }

    /** Re-derives the patient's records at a stream time past the close (final) and schedules the purge. */
    private void closeFollowUp(PatientContext patient) {
        for (AnalyteDefinition def : config.profile().analytes()) {
            byte[] bytes = analytes.get(StoreKeys.patientAnalyte(patient.id(), def.paramcd()));
            if (bytes != null) {
                AnalyteState st = AnalyteState.decode(bytes);
                emitDerived(patient, def.paramcd(), st);
                saveAnalyte(patient.id(), def.paramcd(), st);
            }
        }
        if (!config.stateRetention().isZero() && patient.anchor() != null) {
            long purgeAt = purgeAt(patient.anchor());
            closeSchedule.put(StoreKeys.closeAt(purgeAt, patient.id()), PURGE);
            nextDue = Math.min(nextDue, purgeAt);
            scannedFrom = Math.min(scannedFrom, purgeAt);
        }
    }

    private long purgeAt(Instant anchor) {
        return protocol.closesAt(anchor).plus(config.stateRetention()).toEpochMilli();
    }

    /**
     * Removes everything kept for a patient once the retention after its close has passed, leaving
     * only the archived marker. A purge entry is stale when the anchor moved since it was scheduled;
     * the close of the new anchor schedules another.
     */
    private void purgeIfStillDue(String patientId, long streamTime) {
        Instant anchor = loadPatient(patientId).anchor();
        if (anchor == null || purgeAt(anchor) > streamTime) {
            return;
        }
        deleteAll(readings, StoreKeys.patientFrom(patientId), StoreKeys.patientTo(patientId));
        String from = patientId + '\0';
        String to = patientId + '\1';
        deleteAll(index, from, to);
        deleteAll(analytes, from, to);
        if (config.pseudonym().enabled()) {
            pseudonyms.delete(config.pseudonym().of(patientId));
        }
        patients.put(patientId, PatientState.ARCHIVED.encode());
        log.info(
                "Purged the state of a patient whose follow-up closed {} days ago",
                config.stateRetention().toDays());
    }

    private static <K> void deleteAll(KeyValueStore<K, byte[]> store, K from, K to) {
        List<K> keys = new ArrayList<>();
        try (KeyValueIterator<K, byte[]> it = store.range(from, to)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
    }

    // ---------------------------------------------------------------- scans

    private AnalyteState.Pick lastReading(String patientId, String analyte, long upToMillis) {
        try (KeyValueIterator<Bytes, byte[]> it = readings.reverseRange(
                StoreKeys.readingsAll(patientId, analyte, false),
                StoreKeys.readingsUpTo(patientId, analyte, upToMillis))) {
            return it.hasNext() ? AnalyteState.Pick.of(StoredReading.decode(it.next().value)) : null;
        }
    }

    private AnalyteState.Pick findBaseline(String patientId, String analyte, Instant anchor) {
        try (KeyValueIterator<Bytes, byte[]> it = readings.reverseRange(
                StoreKeys.readingsFrom(
                        patientId, analyte, protocol.baselineFrom(anchor).toEpochMilli()),
                StoreKeys.readingsUpTo(patientId, analyte, anchor.toEpochMilli()))) {
            return it.hasNext() ? AnalyteState.Pick.of(StoredReading.decode(it.next().value)) : null;
        }
    }

    private AnalyteState.Pick findVisit(String patientId, String analyte, Instant anchor, VisitWindow w) {
        AnalyteState.Pick best = null;
        try (KeyValueIterator<Bytes, byte[]> it = readings.range(
                StoreKeys.readingsFrom(
                        patientId, analyte, w.start(anchor, protocol.zone()).toEpochMilli()),
                StoreKeys.readingsBefore(
                        patientId, analyte, w.end(anchor, protocol.zone()).toEpochMilli()))) {
            while (it.hasNext()) {
                AnalyteState.Pick p = AnalyteState.Pick.of(StoredReading.decode(it.next().value));
                if (best == null || visitPrefers(w, anchor, p, best)) {
                    best = p;
                }
            }
        }
        return best;
    }

    private void rescanFollowUp(PatientContext patient, String analyte, AnalyteState st) {
        st.nadir = null;
        st.peak = null;
        Instant anchor = patient.anchor();
        try (KeyValueIterator<Bytes, byte[]> it = readings.range(
                StoreKeys.readingsUpTo(patient.id(), analyte, anchor.toEpochMilli()),
                StoreKeys.readingsUpTo(
                        patient.id(), analyte, protocol.followUpEnd(anchor).toEpochMilli()))) {
            while (it.hasNext()) {
                double v = StoredReading.decode(it.next().value).value();
                st.nadir = st.nadir == null ? v : Math.min(st.nadir, v);
                st.peak = st.peak == null ? v : Math.max(st.peak, v);
            }
        }
    }

    private NormalizationScan scanNormalization(String patientId, String analyte, Instant anchor, Instant end) {
        NormalizationScan scan = NormalizationScan.EMPTY;
        try (KeyValueIterator<Bytes, byte[]> it = readings.range(
                StoreKeys.readingsUpTo(patientId, analyte, anchor.toEpochMilli()),
                StoreKeys.readingsUpTo(patientId, analyte, end.toEpochMilli()))) {
            while (it.hasNext()) {
                StoredReading r = StoredReading.decode(it.next().value);
                scan = scan.accept(r.observedAt(), Boolean.TRUE.equals(r.normal()), protocol.confirmation());
            }
        }
        return scan;
    }

    // ---------------------------------------------------------------- emission

    /** Emits the summary and time-to-normalization record when they differ from what was last sent. */
    private void emitDerived(PatientContext patient, String analyte, AnalyteState st) {
        emitDerived(patient, analyte, st, false);
    }

    /** Emits the analyte's time to normalization and summary when they changed, or always when {@code force}. */
    private void emitDerived(PatientContext patient, String analyte, AnalyteState st, boolean force) {
        Optional<AnalyteDefinition> def = config.profile().analyte(analyte);
        TimeToNormalization ttn = null;
        if (def.isPresent() && def.get().role() == AnalyteRole.PRIMARY) {
            Boolean baselineNormal = st.baseline == null ? null : st.baseline.normal();
            ttn = TimeToNormalization.derive(
                    protocol, patient.anchor(), baselineNormal, st.scan, patient.censoring(), streamTime());
            var ttnRecord = outputs.timeToNormalization(patient, analyte, ttn);
            byte[] ttnBytes = Outputs.fingerprint(ttnRecord.value());
            boolean changed = !java.util.Arrays.equals(ttnBytes, st.emittedTtn);
            if (changed || force) {
                // Counted on the transition to an event, not on each re-emission of one.
                if (changed
                        && Integer.valueOf(0).equals(ttn.cnsr())
                        && (st.emittedTtn == null || !Outputs.isEvent(st.emittedTtn))) {
                    counters.normalized(analyte);
                }
                st.emittedTtn = ttnBytes;
                forward(ttnRecord);
            }
        }
        var summary = outputs.summary(patient, analyte, st, ttn);
        byte[] summaryBytes = Outputs.fingerprint(summary.value());
        if (force || !java.util.Arrays.equals(summaryBytes, st.emittedSummary)) {
            st.emittedSummary = summaryBytes;
            forward(summary);
        }
    }

    /**
     * After a baseline change: the old and new baseline points (their flag changed), then every
     * post-anchor point (chg, pchg), in time order. The baseline points are looked up by key and the
     * scan starts at the anchor: scanning the whole baseline window made a patient with many
     * pre-anchor readings pay for all of them on every new baseline.
     */
    private void reemitPoints(PatientContext patient, String analyte, AnalyteState st, AnalyteState.Pick oldBaseline) {
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
            byte[] bytes = readings.get(
                    StoreKeys.reading(patient.id(), analyte, pick.at().toEpochMilli(), pick.readingId()));
            if (bytes != null) {
                StoredReading r = StoredReading.decode(bytes);
                // A post-anchor baseline cannot exist; were one there, the scan below emits it once.
                if (!r.observedAt().isAfter(anchor)) {
                    forward(outputs.point(patient, analyte, r, st.baseline));
                }
            }
        }
        try (KeyValueIterator<Bytes, byte[]> it = readings.range(
                StoreKeys.readingsFrom(patient.id(), analyte, anchor.toEpochMilli()),
                StoreKeys.readingsAll(patient.id(), analyte, true))) {
            while (it.hasNext()) {
                StoredReading r = StoredReading.decode(it.next().value);
                if (r.observedAt().isAfter(anchor)) {
                    forward(outputs.point(patient, analyte, r, st.baseline));
                }
            }
        }
    }

    /** Outputs carry the timestamp of the input record that caused them, as Kafka Streams would. */
    private void forward(Outputs.Keyed output) {
        emittedForInput = true;
        Record<String, SpecificRecord> record = new Record<>(output.key(), output.value(), inputTimestamp);
        if (redelivering) {
            record.headers().add(Outputs.REDELIVERY_HEADER, Outputs.REDELIVERY_MARK);
        }
        context.forward(record);
    }

    private Instant streamTime() {
        return Instant.ofEpochMilli(Math.max(0L, context.currentStreamTimeMs()));
    }

    private void deadLetter(Record<String, PatientInput> record, byte[] raw, String code, String message) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        String topic = meta.map(RecordMetadata::topic).orElse("unknown");
        counters.deadLettered(topic, code);
        boolean truncated = raw != null && raw.length > MAX_DEAD_LETTER_PAYLOAD;
        // A rejection's message may quote the value: bounded for the same reason as the payload.
        String bounded = message.length() <= MAX_DEAD_LETTER_MESSAGE
                ? message
                : message.substring(0, MAX_DEAD_LETTER_MESSAGE) + "...";
        String reason = !truncated
                ? bounded
                : bounded + " [payload truncated to its first " + MAX_DEAD_LETTER_PAYLOAD + " of " + raw.length
                        + " bytes so that the dead letter fits the producer's max.request.size; not replayable]";
        // The code only: a rejection's message may quote the value (it stays in the dead letter).
        log.warn(
                "Dead-lettering record from {}-{}@{}: {}",
                topic,
                meta.map(RecordMetadata::partition).orElse(-1),
                meta.map(RecordMetadata::offset).orElse(-1L),
                code);
        DeadLetter dl = DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(meta.map(RecordMetadata::partition).orElse(-1))
                .setOffset(meta.map(RecordMetadata::offset).orElse(-1L))
                .setErrorCode(code)
                .setMessage(reason)
                .setKey(
                        record.key() == null
                                ? null
                                : java.nio.ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setPayload(
                        raw == null
                                ? null
                                : java.nio.ByteBuffer.wrap(
                                        truncated ? Arrays.copyOf(raw, MAX_DEAD_LETTER_PAYLOAD) : raw))
                .setPayloadSize(raw == null ? null : (long) raw.length)
                .setTimestamp(Instant.ofEpochMilli(record.timestamp()))
                .setDeadLetteredAt(config.clock().instant())
                .build();
        emittedForInput = true;
        // Wall-clock timestamp: a dead letter must outlive the DLQ topic's retention even when the
        // input's own time is years old or was rejected.
        context.forward(new Record<String, SpecificRecord>(
                record.key(), dl, config.clock().millis()));
    }

    // ---------------------------------------------------------------- state access

    /** A patient as the emitters need it. */
    public record PatientContext(
            String id, Instant anchor, Optional<CensoringEvent> censoring, String arm, Map<String, String> strata) {}

    private PatientContext patientContext(String patientId) {
        return contextOf(patientId, loadPatient(patientId));
    }

    public static PatientContext contextOf(String patientId, PatientState state) {
        Instant anchor = state.anchor();
        return new PatientContext(patientId, anchor, state.censoring(anchor), state.arm(), state.strata());
    }

    private PatientState loadPatient(String patientId) {
        byte[] bytes = patients.get(patientId);
        return bytes == null ? PatientState.EMPTY : PatientState.decode(bytes);
    }

    private AnalyteState loadAnalyte(String patientId, String analyte) {
        byte[] bytes = analytes.get(StoreKeys.patientAnalyte(patientId, analyte));
        if (bytes == null) {
            // A new analyte of the patient: the views must be able to find the patient by pseudonym.
            rememberPseudonym(patientId);
            return new AnalyteState();
        }
        return AnalyteState.decode(bytes);
    }

    private void rememberPseudonym(String patientId) {
        if (config.pseudonym().enabled()) {
            pseudonyms.put(config.pseudonym().of(patientId), patientId.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void saveAnalyte(String patientId, String analyte, AnalyteState st) {
        analytes.put(StoreKeys.patientAnalyte(patientId, analyte), st.encode());
    }

    private static <K, V> void putOrRemove(Map<K, V> map, K key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }
}
