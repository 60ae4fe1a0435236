package org.biomarkerstreams.streams;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.streams.patient.IndexEntry;
import org.biomarkerstreams.streams.patient.PatientInput;
import org.biomarkerstreams.streams.patient.PatientStores;

/**
 * What the alert detector needs to know of the input record that caused a trajectory point, and the point does
 * not say: the patient's own id (a point shows its pseudonym, the patient processor's stores are keyed by the id)
 * and where the reading sat before this input (a correction that moves a reading in time emits only the new
 * point). {@link Note} is a child of {@code merge-inputs} added before the patient processor, so Kafka Streams
 * runs it first for every input record; it notes the input per task, and the {@link AlertProcessor} of the same
 * task reads the note while the patient processor forwards the input's points. Nothing is stored or written.
 */
final class AlertInputs {

    /** The name of the note's node. */
    static final String NOTE = "alert-input-note";

    /** The input record being processed: raw patient id, reading id (null for an event) and the index entry before. */
    record Noted(String topic, int partition, long offset, String patientId, String readingId, IndexEntry before) {}

    private final Map<TaskId, Noted> byTask = new ConcurrentHashMap<>();

    /** The note of the input record the task {@code context} processes now; empty outside an input record. */
    Optional<Noted> current(ProcessorContext<?, ?> context) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        if (meta.isEmpty()) {
            return Optional.empty();
        }
        Noted noted = byTask.get(context.taskId());
        RecordMetadata m = meta.get();
        if (noted == null
                || noted.offset() != m.offset()
                || noted.partition() != m.partition()
                || !noted.topic().equals(m.topic())) {
            // The note runs before the patient processor for every input: anything else is a wiring bug.
            throw new IllegalStateException("no note of the input record " + m.topic() + "-" + m.partition() + "@"
                    + m.offset() + ": alert-input-note must come before patient-processor");
        }
        return Optional.of(noted);
    }

    Note note() {
        return new Note();
    }

    /** Notes each input record before the patient processor sees it. */
    final class Note implements Processor<String, PatientInput, Void, Void> {

        private ProcessorContext<Void, Void> context;
        private KeyValueStore<String, IndexEntry> index;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.index = context.getStateStore(PatientStores.INDEX);
        }

        @Override
        public void process(Record<String, PatientInput> record) {
            RecordMetadata meta = context.recordMetadata().orElseThrow();
            String readingId = null;
            IndexEntry before = null;
            if (record.key() != null
                    && record.value() instanceof PatientInput.Reading reading
                    && reading.decoded().isOk()) {
                readingId = reading.decoded().value().getReadingId();
                if (readingId != null) {
                    before = index.get(StoreKeys.patientReading(record.key(), readingId));
                }
            }
            byTask.put(
                    context.taskId(),
                    new Noted(meta.topic(), meta.partition(), meta.offset(), record.key(), readingId, before));
        }

        @Override
        public void close() {
            byTask.remove(context.taskId());
        }
    }
}
