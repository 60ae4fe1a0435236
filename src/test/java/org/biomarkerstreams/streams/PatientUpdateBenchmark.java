package org.biomarkerstreams.streams;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.streams.patient.PatientInput;
import org.biomarkerstreams.streams.patient.PatientProcessor;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH (run by {@code bench.HotPathFigures}): the patient processor's update for one reading — the product's own
 * {@link PatientProcessor} on its five real RocksDB stores (the topology's store builders, changelogging off: no
 * broker here), driven through {@link MockProcessorContext}. What it forwards is captured and dropped; the
 * downstream processors (alerts, cohort contributions, output serialization) are not in it.
 *
 * <p>In this package because the processor and its store names are package-private. Readings go round-robin over
 * 200 patients whose ENROLLED/RANDOMIZED/INFUSION events were processed first; {@code history} readings per patient
 * are processed in set-up, so each measured reading lands on a history of that length and more.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PatientUpdateBenchmark {

    private static final int PATIENTS = 200;

    @Param({"10", "1000"})
    public int history;

    private Path stateDir;
    private List<StateStore> stores;
    private MockProcessorContext<String, SpecificRecord> context;
    private PatientProcessor processor;
    private org.biomarkerstreams.bench.BenchCohortAccess cohort;
    private long next;
    private long streamTime = Long.MIN_VALUE;
    private long offset;
    private String readingsTopic;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        stateDir = Files.createTempDirectory("bench-jmh-patient");
        TopologyConfig config = TopologyConfig.defaults(Clock.systemUTC());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-jmh-patient");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        context = new MockProcessorContext<>(p, new TaskId(0, 0), stateDir.toFile());
        Set<String> names = Set.of(PatientStores.names());
        stores = BiomarkerTopology.stores().stream()
                .filter(b -> names.contains(b.name()))
                .map(b ->
                        (StateStore) ((StoreBuilder<?>) b).withLoggingDisabled().build())
                .toList();
        for (StateStore store : stores) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        processor = new PatientProcessor(config, new UnitConverter(), new PipelineCounters(new SimpleMeterRegistry()));
        processor.init(context);
        readingsTopic = config.topics().readings();
        cohort = new org.biomarkerstreams.bench.BenchCohortAccess(PATIENTS, history + 100_000, 13);
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        for (RawClinicalEvent e : cohort.events()) {
            byte[] raw = e.eventId().getBytes(StandardCharsets.UTF_8);
            advance(config.topics().events(), e.at().toEpochMilli());
            processor.process(new Record<>(
                    e.patientId(),
                    new PatientInput.Event(Decoded.ok(InputMapping.toAvro(e), raw)),
                    e.at().toEpochMilli()));
        }
        for (long i = 0; i < (long) PATIENTS * history; i++) {
            processReading();
        }
        context.resetForwards();
    }

    /** What the stream thread does before handing a record over: stream time and the record's metadata. */
    private void advance(String topic, long timestamp) {
        streamTime = Math.max(streamTime, timestamp);
        context.setCurrentStreamTimeMs(streamTime);
        context.setRecordMetadata(topic, 0, offset++);
    }

    @TearDown(Level.Iteration)
    public void dropForwards() {
        context.resetForwards();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        for (StateStore store : stores) {
            store.close();
        }
        try (Stream<Path> paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public void patientUpdate() {
        processReading();
    }

    private void processReading() {
        RawReading r = cohort.reading(next++);
        LabReading avro = InputMapping.toAvro(r);
        advance(readingsTopic, r.observedAt().toEpochMilli());
        processor.process(new Record<>(
                r.patientId(),
                new PatientInput.Reading(Decoded.ok(avro, r.readingId().getBytes(StandardCharsets.UTF_8))),
                r.observedAt().toEpochMilli()));
    }
}
