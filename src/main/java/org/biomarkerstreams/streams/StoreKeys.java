package org.biomarkerstreams.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key layouts of the state stores. Readings are keyed patient, analyte, time, reading id so that a
 * patient's analyte history is a contiguous, time-ordered range: every look-up the processor makes is
 * a bounded range scan, never a read of one growing value. Times are big-endian with the sign bit
 * flipped so byte order equals time order (RocksDB and Kafka's in-memory stores both compare
 * unsigned bytes).
 */
public final class StoreKeys {

    public static final byte SEPARATOR = 0;

    private StoreKeys() {}

    /** Patient ids and reading ids are free text from outside; the separator must not occur in them. */
    public static boolean isKeySafe(String id) {
        return id != null && !id.isEmpty() && id.indexOf('\0') < 0;
    }

    public static Bytes reading(String patientId, String analyte, long atMillis, String readingId) {
        byte[] prefix = prefix(patientId, analyte);
        byte[] id = readingId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES + id.length)
                .put(prefix)
                .putLong(sortable(atMillis))
                .put(id)
                .array());
    }

    /** Lower bound of the readings at or after {@code atMillis} (inclusive in a range scan). */
    public static Bytes readingsFrom(String patientId, String analyte, long atMillis) {
        byte[] prefix = prefix(patientId, analyte);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES)
                .put(prefix)
                .putLong(sortable(atMillis))
                .array());
    }

    /**
     * Upper bound that admits readings strictly before {@code atMillis}: every stored key at that time
     * carries a non-empty reading id and so sorts after the bound.
     */
    public static Bytes readingsBefore(String patientId, String analyte, long atMillis) {
        return readingsFrom(patientId, analyte, atMillis);
    }

    /** Upper bound that admits readings at or before {@code atMillis}. */
    public static Bytes readingsUpTo(String patientId, String analyte, long atMillis) {
        return atMillis == Long.MAX_VALUE
                ? readingsAll(patientId, analyte, true)
                : readingsFrom(patientId, analyte, atMillis + 1);
    }

    /** Bounds of all readings of one analyte of one patient. */
    public static Bytes readingsAll(String patientId, String analyte, boolean upper) {
        byte[] prefix = prefix(patientId, analyte);
        ByteBuffer b = ByteBuffer.allocate(prefix.length + Long.BYTES + 1).put(prefix);
        if (upper) {
            b.putLong(-1L).put((byte) -1);
        } else {
            b.putLong(0L).put((byte) 0);
        }
        return Bytes.wrap(b.array());
    }

    /** Bounds of every reading of one patient, all analytes. */
    public static Bytes patientFrom(String patientId) {
        byte[] p = patientId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(p.length + 1).put(p).put(SEPARATOR).array());
    }

    public static Bytes patientTo(String patientId) {
        byte[] p = patientId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(p.length + 1).put(p).put((byte) 1).array());
    }

    public static String patientAnalyte(String patientId, String analyte) {
        return patientId + '\0' + analyte;
    }

    public static String patientReading(String patientId, String readingId) {
        return patientId + '\0' + readingId;
    }

    public static String patientEvent(String patientId, String eventId) {
        return patientId + '\0' + eventId;
    }

    /** Close-schedule key: due time first so a range scan up to stream time finds what is due. */
    public static Bytes closeAt(long dueMillis, String patientId) {
        byte[] id = patientId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length)
                .putLong(sortable(dueMillis))
                .put(id)
                .array());
    }

    public static Bytes closeScheduleUpTo(long dueMillis) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1)
                .putLong(sortable(dueMillis))
                .put((byte) -1)
                .array());
    }

    /** Lower bound of the close-schedule entries due at or after {@code dueMillis}. */
    public static Bytes closeScheduleFrom(long dueMillis) {
        return Bytes.wrap(
                ByteBuffer.allocate(Long.BYTES).putLong(sortable(dueMillis)).array());
    }

    public static Bytes closeScheduleEnd() {
        return closeScheduleUpTo(Long.MAX_VALUE);
    }

    public static long closeTime(Bytes key) {
        return ByteBuffer.wrap(key.get(), 0, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }

    public static String closePatient(Bytes key) {
        byte[] k = key.get();
        return new String(k, Long.BYTES, k.length - Long.BYTES, StandardCharsets.UTF_8);
    }

    private static byte[] prefix(String patientId, String analyte) {
        byte[] p = patientId.getBytes(StandardCharsets.UTF_8);
        byte[] a = analyte.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(p.length + 1 + a.length + 1)
                .put(p)
                .put(SEPARATOR)
                .put(a)
                .put(SEPARATOR)
                .array();
    }

    private static long sortable(long millis) {
        return millis ^ Long.MIN_VALUE;
    }
}
