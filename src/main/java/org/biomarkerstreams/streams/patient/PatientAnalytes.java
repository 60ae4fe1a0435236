package org.biomarkerstreams.streams.patient;

import java.util.Objects;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * What a change does to a patient's analytes: a reading applied, corrected or retracted, a patient folded
 * again after its events changed, a follow-up closed. Each folds the stored readings into the analyte's state
 * ({@link AnalyteFold}), emits what changed ({@link PatientEmitter}) and keeps the state ({@link PatientStores}).
 */
final class PatientAnalytes {

    /** Why a whole patient is folded again, which decides what is sent again. */
    enum Rebuild {
        /** Arm, strata or censoring changed: the results that changed. */
        CONTEXT,
        /** The anchor moved: the results that changed and every point (study days, baselines). */
        ANCHOR,
        /** An exact duplicate event under at_least_once: everything, marked as a redelivery. */
        REDELIVERY
    }

    private final TopologyConfig config;
    private final PatientStores stores;
    private final AnalyteFold fold;
    private final PatientEmitter emit;
    private final PipelineCounters counters;

    PatientAnalytes(TopologyConfig config, PatientStores stores, PatientEmitter emit, PipelineCounters counters) {
        this.config = config;
        this.stores = stores;
        this.fold = new AnalyteFold(config.protocol(), stores);
        this.emit = emit;
        this.counters = counters;
    }

    /**
     * A reading that replaces whatever {@code previous} points to (nothing for a first revision): the old one
     * leaves the store and its analyte, then the new one enters both, or, for a retraction, only the index.
     */
    void apply(PatientContext patient, InputValidation.ValidReading r, IndexEntry previous) {
        String topic = config.topics().readings();
        counters.accepted(topic);
        StoredReading removed = previous == null || previous.deleted()
                ? null
                : stores.removeReading(patient.id(), r.readingId(), previous);
        String removedAnalyte = removed == null ? null : previous.analyte();
        if (r.retracts()) {
            counters.retracted(topic);
            stores.putIndexEntry(
                    patient.id(),
                    r.readingId(),
                    new IndexEntry(r.revision(), r.contentHash(), true, removedAnalyte, null));
            if (removed != null) {
                remove(patient, removedAnalyte, removed);
                emit.retractedPoint(patient, removedAnalyte, removed, r.revision());
            }
            return;
        }
        if (removed != null) {
            counters.corrected(topic);
            remove(patient, removedAnalyte, removed);
        }
        StoredReading stored = r.stored();
        stores.putReading(patient.id(), r.analyte(), stored);
        stores.putIndexEntry(
                patient.id(),
                r.readingId(),
                new IndexEntry(r.revision(), r.contentHash(), false, r.analyte(), stored.observedAt()));
        add(patient, r.analyte(), stored);
    }

    /**
     * An exact duplicate under at_least_once ({@link TopologyConfig#redeliverDuplicates()}): after a crash each
     * store may have kept or lost its last writes independently (each has its own changelog), so the reading is
     * put back and its analyte folded again from the readings store rather than trusted.
     */
    void redeliver(PatientContext patient, InputValidation.ValidReading r) {
        stores.putReading(patient.id(), r.analyte(), r.stored());
        AnalyteState st = stores.openAnalyte(patient.id(), r.analyte());
        fold.rebuild(patient, r.analyte(), st);
        st.count = stores.countReadings(patient.id(), r.analyte());
        emit.derived(patient, r.analyte(), st, EmitMode.REDELIVERY);
        emit.point(patient, r.analyte(), r.stored(), st.baseline, EmitMode.REDELIVERY);
        stores.saveAnalyte(patient.id(), r.analyte(), st);
    }

    /** Folds every analyte of the patient again from its stored readings. */
    void rebuild(PatientContext patient, Rebuild why) {
        EmitMode mode = why == Rebuild.REDELIVERY ? EmitMode.REDELIVERY : EmitMode.CHANGES;
        for (AnalyteDefinition def : config.profile().analytes()) {
            String analyte = def.paramcd();
            AnalyteState st = stores.analyte(patient.id(), analyte);
            if (st == null) {
                continue;
            }
            fold.rebuild(patient, analyte, st);
            emit.derived(patient, analyte, st, mode);
            if (why != Rebuild.CONTEXT) {
                emit.allPoints(patient, analyte, st, mode);
            }
            stores.saveAnalyte(patient.id(), analyte, st);
        }
    }

    /** Derives the patient's records again at a stream time past its close: they turn final. */
    void close(PatientContext patient) {
        for (AnalyteDefinition def : config.profile().analytes()) {
            AnalyteState st = stores.analyte(patient.id(), def.paramcd());
            if (st != null) {
                emit.derived(patient, def.paramcd(), st, EmitMode.CHANGES);
                stores.saveAnalyte(patient.id(), def.paramcd(), st);
            }
        }
    }

    private void add(PatientContext patient, String analyte, StoredReading r) {
        AnalyteState st = stores.openAnalyte(patient.id(), analyte);
        AnalyteState.Pick baselineBefore = st.baseline;
        fold.add(patient, analyte, st, r);
        emit.derived(patient, analyte, st, EmitMode.CHANGES);
        emit.point(patient, analyte, r, st.baseline, EmitMode.CHANGES);
        settle(patient, analyte, st, baselineBefore);
    }

    private void remove(PatientContext patient, String analyte, StoredReading r) {
        AnalyteState st = stores.openAnalyte(patient.id(), analyte);
        AnalyteState.Pick baselineBefore = st.baseline;
        fold.remove(patient, analyte, st, r);
        emit.derived(patient, analyte, st, EmitMode.CHANGES);
        settle(patient, analyte, st, baselineBefore);
    }

    /** Points whose baseline flag or change from baseline moved are sent again; then the state is kept. */
    private void settle(PatientContext patient, String analyte, AnalyteState st, AnalyteState.Pick baselineBefore) {
        if (!Objects.equals(baselineBefore, st.baseline)) {
            emit.pointsAfterBaselineChange(patient, analyte, st, baselineBefore);
        }
        stores.saveAnalyte(patient.id(), analyte, st);
    }
}
