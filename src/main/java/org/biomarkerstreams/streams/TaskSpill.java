package org.biomarkerstreams.streams;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.biomarkerstreams.streams.patient.PatientStores;

/**
 * One task of a backfill folded group of patients by group, so that what it holds in memory is one group's state
 * and not the whole task's: a re-import of millions of readings per partition does not fit in memory otherwise.
 *
 * <p>Pass 1 ({@link #add}) reads the task's input in its one order, times each record as the topology's source
 * would (the partition's time so far, then the task's stream time) and appends it to the spill file of its
 * patient's group (by record key: a record whose key is not its patient's touches no patient state). Pass 2
 * ({@link #drain}) replays the groups one at a time through a fresh {@link BatchTask} and drains each.
 *
 * <p>It is exact because a patient's state and outputs depend only on its own records, the stream time at each of
 * them, and the follow-ups that closed in between. A follow-up closes when the task's stream time reaches its due
 * time, at whichever record of the task does it, maybe another group's. The timeline kept from pass 1 (each
 * record's timestamp and the stream time after it) lets a group's replay see each of its records at the stream
 * time it had, and close each follow-up at the record that reached its due time ({@link BatchTask#closeDueAt}),
 * as if the other groups' records had been processed in between. The only store entry that is not one patient's,
 * the stream time up to which follow-ups closed, is merged across the groups ({@link
 * PatientStores#mergeTaskWide}) and written once at the end.
 */
public final class TaskSpill implements AutoCloseable {

    /** Per group file while it is written (hundreds are open at once), and for the one read at a time. */
    private static final int WRITE_BUFFER_BYTES = 16 * 1024;

    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final byte READINGS = 0;
    private static final byte EVENTS = 1;

    private final PatientSubtopology subtopology;
    private final TaskId id;
    private final AvroSerdes serdes;
    private final String applicationId;
    private final Path directory;
    private final DataOutputStream[] groups;
    private final InputDecoding<?> readings;
    private final InputDecoding<?> events;
    private long readingsPartitionTime = Long.MIN_VALUE;
    private long eventsPartitionTime = Long.MIN_VALUE;
    /** The timeline: each record's timestamp and the task's stream time after it, by position in the task. */
    private long[] timestamps = new long[1024];

    private long[] streamTimes = new long[1024];
    private int count;

    /**
     * A spill of {@code groups} groups of patients in a new directory under {@code parent}, deleted on {@link
     * #close}.
     */
    public TaskSpill(
            PatientSubtopology subtopology,
            TaskId id,
            AvroSerdes serdes,
            String applicationId,
            Path parent,
            int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        }
        this.subtopology = subtopology;
        this.id = id;
        this.serdes = serdes;
        this.applicationId = applicationId;
        this.readings = InputDecoding.readings(subtopology.config(), serdes);
        this.events = InputDecoding.events(subtopology.config(), serdes);
        this.groups = new DataOutputStream[groups];
        try {
            Files.createDirectories(parent);
            this.directory = Files.createTempDirectory(parent, "task-" + id + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the backfill's spill directory under " + parent, e);
        }
    }

    /** The records added so far. */
    public int records() {
        return count;
    }

    /** Pass 1: the task's next input record, read from {@code topic}-{@code partition} at {@code offset}. */
    public void add(String topic, int partition, long offset, Headers headers, byte[] key, byte[] value) {
        boolean isReadings = topic.equals(readings.topic().name());
        if (!isReadings && !topic.equals(events.topic().name())) {
            throw new IllegalArgumentException(topic + " is not an input topic of the pipeline");
        }
        long partitionTime = isReadings ? readingsPartitionTime : eventsPartitionTime;
        long timestamp = (isReadings ? readings : events)
                .record(partition, offset, headers, key, value, partitionTime)
                .timestamp();
        if (isReadings) {
            readingsPartitionTime = Math.max(partitionTime, timestamp);
        } else {
            eventsPartitionTime = Math.max(partitionTime, timestamp);
        }
        if (count == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, count * 2);
            streamTimes = Arrays.copyOf(streamTimes, count * 2);
        }
        timestamps[count] = timestamp;
        streamTimes[count] = count == 0 ? timestamp : Math.max(streamTimes[count - 1], timestamp);
        try {
            DataOutputStream out = group(key);
            out.writeInt(count);
            out.writeByte(isReadings ? READINGS : EVENTS);
            out.writeInt(partition);
            out.writeLong(offset);
            writeHeaders(out, headers);
            writeBytes(out, key);
            writeBytes(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backfill's spill in " + directory, e);
        }
        count++;
    }

    /**
     * Pass 2: replays each group through a fresh {@link BatchTask} and drains it to {@code out}, then writes the
     * task-wide store entries.
     */
    public void drain(BatchTask.Output out) {
        long end = count == 0 ? 0L : Math.max(0L, streamTimes[count - 1]);
        Map<String, String> storeOfChangelog = new HashMap<>();
        for (StoreSpec<?, ?> spec : PatientSubtopology.stores()) {
            storeOfChangelog.put(spec.changelog(applicationId), spec.name());
        }
        Map<String, Map<Bytes, byte[]>> taskWide = new LinkedHashMap<>();
        BatchTask.Output filtered = (topic, partition, timestamp, key, value) -> {
            String store = storeOfChangelog.get(topic);
            if (store != null && PatientStores.isTaskWide(store, key)) {
                taskWide.computeIfAbsent(topic, t -> new LinkedHashMap<>())
                        .merge(Bytes.wrap(key), value, PatientStores::mergeTaskWide);
            } else {
                out.send(topic, partition, timestamp, key, value);
            }
        };
        for (int g = 0; g < groups.length; g++) {
            BatchTask task = new BatchTask(subtopology, id, serdes, applicationId);
            int done = replay(g, task);
            closeBefore(task, done, count);
            task.drain(filtered, applicationId, end);
        }
        taskWide.forEach((topic, entries) ->
                entries.forEach((key, value) -> out.send(topic, id.partition(), end, key.get(), value)));
    }

    /** Replays group {@code g} into {@code task}; returns the position of the last record or follow-up close. */
    private int replay(int g, BatchTask task) {
        if (groups[g] == null) {
            return -1;
        }
        int done = -1;
        try {
            groups[g].close();
            try (DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Files.newInputStream(file(g)), READ_BUFFER_BYTES))) {
                while (true) {
                    int at;
                    try {
                        at = in.readInt();
                    } catch (EOFException end) {
                        break;
                    }
                    String topic = in.readByte() == READINGS
                            ? readings.topic().name()
                            : events.topic().name();
                    int partition = in.readInt();
                    long offset = in.readLong();
                    Headers headers = readHeaders(in);
                    byte[] key = readBytes(in);
                    byte[] value = readBytes(in);
                    done = closeBefore(task, done, at);
                    task.process(topic, partition, offset, headers, key, value, timestamps[at], streamTimes[at]);
                    done = at;
                }
            }
            Files.delete(file(g));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backfill's spill in " + directory, e);
        }
        return done;
    }

    /**
     * Closes the follow-ups of {@code task}'s patients that the records after position {@code done} and before
     * {@code next} (of other groups) closed, each at the first of them whose stream time reached its due time;
     * returns the position of the last one.
     */
    private int closeBefore(BatchTask task, int done, int next) {
        while (true) {
            long due = task.nextDue();
            if (due == Long.MAX_VALUE) {
                return done;
            }
            int at = firstReaching(due, done + 1, next);
            if (at >= next) {
                return done;
            }
            task.closeDueAt(timestamps[at], streamTimes[at]);
            done = at;
        }
    }

    /** The first position in [from, to) whose stream time is at least {@code due}; {@code to} when none is. */
    private int firstReaching(long due, int from, int to) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (streamTimes[mid] >= due) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private DataOutputStream group(byte[] key) throws IOException {
        int g = key == null ? 0 : Math.floorMod(mix(Arrays.hashCode(key)), groups.length);
        if (groups[g] == null) {
            groups[g] =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(g)), WRITE_BUFFER_BYTES));
        }
        return groups[g];
    }

    /**
     * Spreads the key's hash: the task's keys are those Kafka's partitioner (murmur2) sent to one partition, so a
     * group must not be a function of the same hash.
     */
    private static int mix(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    private Path file(int g) {
        return directory.resolve("group-" + g);
    }

    private static void writeHeaders(DataOutputStream out, Headers headers) throws IOException {
        Header[] all = headers == null ? new Header[0] : headers.toArray();
        out.writeInt(all.length);
        for (Header h : all) {
            out.writeUTF(h.key());
            writeBytes(out, h.value());
        }
    }

    private static Headers readHeaders(DataInputStream in) throws IOException {
        int n = in.readInt();
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < n; i++) {
            headers.add(in.readUTF(), readBytes(in));
        }
        return headers;
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return bytes;
    }

    /** Deletes the spill. */
    @Override
    public void close() {
        for (int g = 0; g < groups.length; g++) {
            if (groups[g] != null) {
                try {
                    groups[g].close();
                    Files.deleteIfExists(file(g));
                } catch (IOException e) {
                    // Best effort: the directory is under the backfill's spill directory, the operator's to clean.
                }
            }
        }
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // As above.
        }
    }
}
