package org.biomarkerstreams.streams.patient;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.streams.StoreKeys;

/**
 * When each patient's follow-up closes (its records turn final) and when its state may be purged, by stream
 * time: entries keyed by due time, so what is due is one range scan up to the stream time.
 */
final class FollowUpSchedule {

    /** What falls due. The store keeps the bytes it always had: nothing for a close, {@code 1} for a purge. */
    enum Task {
        CLOSE,
        PURGE;

        static final Serde<Task> SERDE = Serdes.serdeFrom(
                (topic, task) -> task == null ? null : task == CLOSE ? new byte[0] : new byte[] {1},
                (topic, bytes) -> bytes == null ? null : bytes.length > 0 && bytes[0] == 1 ? PURGE : CLOSE);
    }

    /** A task due for a patient. */
    record Due(String patientId, Task task) {}

    private final KeyValueStore<Bytes, Task> schedule;

    /*
     * So that a record with nothing due costs no store seek: the earliest due time that may be in the store
     * (MIN_VALUE = unknown, MAX_VALUE = empty), and the time before which every entry has been taken. Taken
     * entries are deletes, and a RocksDB seek from the start of the key space would step over all their
     * tombstones on every record.
     */
    private long nextDue = Long.MIN_VALUE;
    private long scannedFrom = Long.MIN_VALUE;

    FollowUpSchedule(ProcessorContext<?, ?> context) {
        this.schedule = context.getStateStore(PatientStores.CLOSE_SCHEDULE);
    }

    void schedule(String patientId, long dueMillis, Task task) {
        schedule.put(StoreKeys.closeAt(dueMillis, patientId), task);
        nextDue = Math.min(nextDue, dueMillis);
        scannedFrom = Math.min(scannedFrom, dueMillis);
    }

    void cancel(String patientId, long dueMillis) {
        schedule.delete(StoreKeys.closeAt(dueMillis, patientId));
    }

    /** Takes every task due at or before {@code streamTime} off the schedule, in due order. */
    List<Due> takeDue(long streamTime) {
        if (streamTime < nextDue) {
            return List.of();
        }
        List<KeyValue<Bytes, Task>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, Task> it =
                schedule.range(StoreKeys.closeScheduleFrom(scannedFrom), StoreKeys.closeScheduleUpTo(streamTime))) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        scannedFrom = streamTime + 1;
        try (KeyValueIterator<Bytes, Task> it =
                schedule.range(StoreKeys.closeScheduleFrom(scannedFrom), StoreKeys.closeScheduleEnd())) {
            nextDue = it.hasNext() ? StoreKeys.closeTime(it.next().key) : Long.MAX_VALUE;
        }
        List<Due> taken = new ArrayList<>(due.size());
        for (KeyValue<Bytes, Task> entry : due) {
            schedule.delete(entry.key);
            taken.add(new Due(StoreKeys.closePatient(entry.key), entry.value));
        }
        return taken;
    }
}
