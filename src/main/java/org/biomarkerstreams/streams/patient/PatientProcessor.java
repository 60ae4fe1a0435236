package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.OrphanReadings;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Rejection;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.streams.Decoded;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.TopologyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the topology: one processor per partition that sees both a patient's readings and clinical
 * events (the input topics are co-partitioned by patient id) and routes each record through a small team:
 * validated ({@link InputValidation}), checked against what was applied under its id ({@link Arrival}), applied
 * to the patient's analytes ({@link PatientAnalytes}: stored, folded, emitted when what it derives changed);
 * follow-ups close and purge by stream time ({@link FollowUpSchedule}). Results depend only on the set of
 * records, not on their arrival order (docs/architecture.md, "A reading's path").
 */
public final class PatientProcessor implements Processor<String, PatientInput, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(PatientProcessor.class);

    private final TopologyConfig config;
    private final Protocol protocol;
    private final PipelineCounters counters;
    private final InputValidation validation;
    private final OrphanWatch orphans;

    private ProcessorContext<String, SpecificRecord> context;
    private String task;
    private PatientStores stores;
    private FollowUpSchedule schedule;
    private PatientEmitter emit;
    private PatientAnalytes analytes;

    /** A processor whose orphans are its own (a benchmark's single task). */
    public PatientProcessor(TopologyConfig config, UnitConverter converter, PipelineCounters counters) {
        this(config, converter, counters, new OrphanWatch(config.orphanAfter(), counters));
    }

    /** @param orphans the instance's orphan tally, shared by every task of the topology */
    public PatientProcessor(
            TopologyConfig config, UnitConverter converter, PipelineCounters counters, OrphanWatch orphans) {
        this.config = config;
        this.protocol = config.protocol();
        this.counters = counters;
        this.validation = new InputValidation(config, converter);
        this.orphans = orphans;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.task = context.taskId().toString();
        this.stores = PatientStores.of(context);
        this.schedule = new FollowUpSchedule(context);
        this.emit = new PatientEmitter(context, config, stores, counters, this::streamTime);
        this.analytes = new PatientAnalytes(config, stores, emit, counters);
        // Wall clock, not stream time: orphans must show while no input arrives, and after a restart from the store.
        context.schedule(orphans.rule().checkEvery(), PunctuationType.WALL_CLOCK_TIME, this::tallyOrphans);
    }

    @Override
    public void close() {
        if (task != null) {
            orphans.forget(task);
        }
    }

    @Override
    public void process(Record<String, PatientInput> record) {
        emit.begin(record.timestamp());
        Instant receivedAt = null;
        if (record.value() instanceof PatientInput.Reading reading) {
            counters.seen(config.topics().readings(), record.timestamp());
            onReading(record, reading.decoded());
            // When the record entered the pipeline, not its timestamp: the extractor made that the event time.
            receivedAt = reading.decoded().isOk() ? reading.decoded().value().getReceivedAt() : null;
        } else if (record.value() instanceof PatientInput.Event event) {
            counters.seen(config.topics().events(), record.timestamp());
            onEvent(record, event.decoded());
        }
        if (emit.emittedForInput() && receivedAt != null) {
            counters.emitted(receivedAt);
        }
        // Not part of the input's latency: what closes here is due by stream time, not caused by the record.
        closeDue(Math.max(streamTime(), record.timestamp()));
    }

    /** The earliest time a follow-up of this task is due (Long.MAX_VALUE when none is scheduled). */
    public long nextDue() {
        return schedule.nextDue();
    }

    /**
     * Closes what processing an input record with timestamp {@code timestampMillis} would close, without the
     * record: for a batch run that folds a task's patients group by group ({@code TaskSpill}), where the record
     * whose stream time reached a follow-up's due time belongs to another group. The caller has set the context's
     * stream time to what it was after that record.
     */
    public void closeDueAt(long timestampMillis) {
        emit.begin(timestampMillis);
        closeDue(Math.max(streamTime(), timestampMillis));
    }

    /**
     * The task's stream time, never before the time up to which follow-ups were closed in the restored state
     * ({@link FollowUpSchedule}): replayed records after a crash must not turn final records provisional again.
     */
    private long streamTime() {
        return Math.max(context.currentStreamTimeMs(), schedule.reached());
    }

    private void onReading(Record<String, PatientInput> record, Decoded<LabReading> decoded) {
        String topic = config.topics().readings();
        counters.in(topic);
        Result<InputValidation.ValidReading> valid = decoded.isOk()
                ? validation.reading(InputMapping.fromAvro(decoded.value()), record.key())
                : Result.rejected(decoded.code(), decoded.error());
        if (!valid.isOk()) {
            emit.deadLetter(record, decoded.raw(), valid.rejection());
            return;
        }
        InputValidation.ValidReading r = valid.value();
        PatientState state = stores.patient(r.patientId());
        if (state.archived()) {
            emit.deadLetter(record, decoded.raw(), archived());
            return;
        }
        PatientContext patient = PatientContext.of(r.patientId(), state);
        IndexEntry previous = stores.indexEntry(r.patientId(), r.readingId());
        Arrival arrival = previous == null
                ? Arrival.FIRST
                : Arrival.after(previous.revision(), previous.contentHash(), r.revision(), r.contentHash());
        switch (arrival) {
            case FIRST, NEWER -> {
                analytes.apply(patient, r, previous);
                if (patient.anchor() == null && !r.retracts()) {
                    stores.awaitAnchor(patient.id(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
                }
            }
            case RESEND, STALE -> {
                counters.duplicate(topic);
                if (arrival == Arrival.RESEND && config.redeliverDuplicates() && !r.retracts()) {
                    analytes.redeliver(patient, r);
                }
            }
            case CONFLICT ->
                emit.deadLetter(
                        record,
                        decoded.raw(),
                        conflict("revision " + r.revision(), "; send a higher revision to correct"));
        }
    }

    private void onEvent(Record<String, PatientInput> record, Decoded<ClinicalEvent> decoded) {
        String topic = config.topics().events();
        counters.in(topic);
        Result<InputValidation.ValidEvent> valid = decoded.isOk()
                ? validation.event(InputMapping.fromAvro(decoded.value()), record.key())
                : Result.rejected(decoded.code(), decoded.error());
        if (!valid.isOk()) {
            emit.deadLetter(record, decoded.raw(), valid.rejection());
            return;
        }
        String patientId = valid.value().patientId();
        PatientState.EventRecord event = valid.value().event();
        PatientState before = stores.patient(patientId);
        if (before.archived()) {
            emit.deadLetter(record, decoded.raw(), archived());
            return;
        }
        PatientState.EventRecord previous = before.events().get(event.eventId());
        Arrival arrival = previous == null
                ? Arrival.FIRST
                : Arrival.after(previous.revision(), previous.contentHash(), event.revision(), event.contentHash());
        switch (arrival) {
            case FIRST, NEWER -> {
                counters.accepted(topic);
                apply(patientId, before, before.with(event));
            }
            case RESEND, STALE -> {
                counters.duplicate(topic);
                if (arrival == Arrival.RESEND && config.redeliverDuplicates()) {
                    PatientContext patient = PatientContext.of(patientId, before);
                    emit.enrolment(patient, EmitMode.REDELIVERY);
                    analytes.rebuild(patient, PatientAnalytes.Rebuild.REDELIVERY);
                }
            }
            case CONFLICT -> emit.deadLetter(record, decoded.raw(), conflict("event revision " + event.revision(), ""));
        }
    }

    /** Keeps the patient's new events; moves its close with its anchor; folds it again when what it derives moved. */
    private void apply(String patientId, PatientState before, PatientState after) {
        stores.savePatient(patientId, after);
        Instant oldAnchor = before.anchor();
        Instant newAnchor = after.anchor();
        if (!Objects.equals(oldAnchor, newAnchor)) {
            if (newAnchor != null) {
                stores.anchored(patientId);
            } else if (stores.countReadings(patientId) > 0) {
                // The anchor was retracted: the readings wait again, from now.
                stores.awaitAnchor(patientId, Instant.ofEpochMilli(context.currentSystemTimeMs()));
            }
            if (oldAnchor != null) {
                schedule.cancel(patientId, protocol.closesAt(oldAnchor).toEpochMilli());
            }
            if (newAnchor != null) {
                schedule.schedule(patientId, protocol.closesAt(newAnchor).toEpochMilli(), FollowUpSchedule.Task.CLOSE);
            }
            PatientContext patient = PatientContext.of(patientId, after);
            emit.enrolment(patient, EmitMode.CHANGES);
            analytes.rebuild(patient, PatientAnalytes.Rebuild.ANCHOR);
        } else if (!Objects.equals(before.arm(), after.arm())
                || !before.strata().equals(after.strata())) {
            PatientContext patient = PatientContext.of(patientId, after);
            emit.enrolment(patient, EmitMode.CHANGES);
            analytes.rebuild(patient, PatientAnalytes.Rebuild.CONTEXT);
        } else if (!before.censoring(oldAnchor).equals(after.censoring(newAnchor))) {
            analytes.rebuild(PatientContext.of(patientId, after), PatientAnalytes.Rebuild.CONTEXT);
        }
    }

    /** Final records for the follow-ups that closed by {@code streamTime}; purges of those past retention. */
    private void closeDue(long streamTime) {
        for (FollowUpSchedule.Due due : schedule.takeDue(streamTime)) {
            PatientContext patient = PatientContext.of(due.patientId(), stores.patient(due.patientId()));
            if (due.task() == FollowUpSchedule.Task.CLOSE) {
                analytes.close(patient);
                if (!config.stateRetention().isZero() && patient.anchor() != null) {
                    schedule.schedule(patient.id(), purgeAt(patient.anchor()), FollowUpSchedule.Task.PURGE);
                }
            } else if (patient.anchor() != null && purgeAt(patient.anchor()) <= streamTime) {
                // Otherwise stale: the anchor moved since, and the new anchor's close schedules another purge.
                stores.purge(patient.id());
                log.info(
                        "Purged the state of a patient whose follow-up closed {} days ago",
                        config.stateRetention().toDays());
            }
        }
    }

    /** This task's orphans at wall-clock {@code nowMillis}, from its store, reported to the instance's tally. */
    private void tallyOrphans(long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        OrphanReadings rule = orphans.rule();
        OrphanReadings.Tally[] tally = {OrphanReadings.Tally.NONE};
        stores.forEachAwaitingAnchor((patientId, waiting) -> {
            if (!now.isBefore(waiting.since().plus(rule.after()))) {
                tally[0] = rule.add(tally[0], waiting.since(), stores.countReadings(patientId), now);
            }
        });
        orphans.report(task, tally[0], now);
    }

    private long purgeAt(Instant anchor) {
        return protocol.closesAt(anchor).plus(config.stateRetention()).toEpochMilli();
    }

    private Rejection archived() {
        return new Rejection(
                ErrorCode.PATIENT_ARCHIVED,
                "the patient's follow-up closed and its state was purged after the retention period ("
                        + config.stateRetention().toDays()
                        + " days); late data needs a reprocessing run");
    }

    private static Rejection conflict(String what, String advice) {
        return new Rejection(
                ErrorCode.CONFLICTING_REVISION, what + " was already received with different content" + advice);
    }
}
