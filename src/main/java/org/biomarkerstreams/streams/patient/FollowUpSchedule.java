package org.biomarkerstreams.streams.patient;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.streams.StoreKeys;

/**
 * When each patient's follow-up closes (its records turn final) and when its state may be purged, by stream
 * time: entries keyed by due time, so what is due is one range scan up to the stream time.
 *
 * <p>The store also keeps the stream time up to which entries were taken ({@link #reached()}). A task restarted
 * after a crash under at-least-once resumes from its last committed offsets and with the stream time committed
 * with them, while its restored stores may already hold what later records did: a close taken and deleted. Had
 * the records replayed then been emitted with the older stream time, they would be provisional again, with no
 * close left to make them final. The stream time this store reached is written before the entries it takes are
 * deleted, to the same changelog partition, so whoever sees the deletes also sees it.
 */
final class FollowUpSchedule {

    /** What falls due. The store keeps the bytes it always had: nothing for a close, {@code 1} for a purge. */
    enum Task {
        CLOSE,
        PURGE;

        byte[] bytes() {
            return this == CLOSE ? new byte[0] : new byte[] {1};
        }

        static Task of(byte[] bytes) {
            return bytes.length > 0 && bytes[0] == 1 ? PURGE : CLOSE;
        }
    }

    /** The key of the stream time reached: one byte, so it sorts before every entry (due time first, 8 bytes). */
    private static final Bytes REACHED = Bytes.wrap(new byte[] {0});

    /** A task due for a patient. */
    record Due(String patientId, Task task) {}

    private final KeyValueStore<Bytes, byte[]> schedule;
    private long reached;

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
        byte[] stored = schedule.get(REACHED);
        this.reached = stored == null ? Long.MIN_VALUE : ByteBuffer.wrap(stored).getLong();
    }

    /** The stream time up to which entries were taken, as restored with the store; MIN_VALUE before any. */
    long reached() {
        return reached;
    }

    void schedule(String patientId, long dueMillis, Task task) {
        schedule.put(StoreKeys.closeAt(dueMillis, patientId), task.bytes());
        nextDue = Math.min(nextDue, dueMillis);
        scannedFrom = Math.min(scannedFrom, dueMillis);
    }

    void cancel(String patientId, long dueMillis) {
        schedule.delete(StoreKeys.closeAt(dueMillis, patientId));
    }

    /** The earliest due time on the schedule, Long.MAX_VALUE when nothing is scheduled. */
    long nextDue() {
        if (nextDue == Long.MIN_VALUE) {
            nextDue = firstDueFrom(scannedFrom);
        }
        return nextDue;
    }

    /** The due time of the first entry at or after {@code fromMillis}, Long.MAX_VALUE when there is none. */
    private long firstDueFrom(long fromMillis) {
        try (KeyValueIterator<Bytes, byte[]> it =
                schedule.range(StoreKeys.closeScheduleFrom(fromMillis), StoreKeys.closeScheduleEnd())) {
            return it.hasNext() ? StoreKeys.closeTime(it.next().key) : Long.MAX_VALUE;
        }
    }

    /** Whether {@code key} of the close-schedule store is the task's stream time reached, not one patient's. */
    static boolean isReached(byte[] key) {
        return Arrays.equals(key, REACHED.get());
    }

    /** The later of two stored stream times reached. */
    static byte[] laterReached(byte[] a, byte[] b) {
        return ByteBuffer.wrap(a).getLong() >= ByteBuffer.wrap(b).getLong() ? a : b;
    }

    /** Takes every task due at or before {@code streamTime} off the schedule, in due order. */
    List<Due> takeDue(long streamTime) {
        if (streamTime < nextDue) {
            return List.of();
        }
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                schedule.range(StoreKeys.closeScheduleFrom(scannedFrom), StoreKeys.closeScheduleUpTo(streamTime))) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        scannedFrom = streamTime + 1;
        nextDue = firstDueFrom(scannedFrom);
        if (!due.isEmpty() && streamTime > reached) {
            reached = streamTime;
            schedule.put(
                    REACHED, ByteBuffer.allocate(Long.BYTES).putLong(streamTime).array());
        }
        List<Due> taken = new ArrayList<>(due.size());
        for (KeyValue<Bytes, byte[]> entry : due) {
            schedule.delete(entry.key);
            taken.add(new Due(StoreKeys.closePatient(entry.key), Task.of(entry.value)));
        }
        return taken;
    }
}
