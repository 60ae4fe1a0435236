package org.biomarkerstreams.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ReadingNormalizer;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Outcome;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH micro-benchmarks of the per-reading hot path (average time per operation). Run through {@link HotPathFigures}
 * ({@code bench/run jmh}), which prints them as figures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {

    /** The readings of a synthetic cohort, as domain records, Avro records and wire-format bytes. */
    @State(Scope.Thread)
    public static class Readings {
        final Topics topics = Topics.defaults();
        final Serde<LabReading> serde = new AvroSerdes(new InMemorySchemaRegistry(), true).value(LabReading.class);
        RawReading[] raw;
        LabReading[] avro;
        byte[][] bytes;
        int next;

        @Setup
        public void setUp() {
            BenchCohort cohort = new BenchCohort(200, 20, 7);
            int n = (int) cohort.readings();
            raw = new RawReading[n];
            avro = new LabReading[n];
            bytes = new byte[n][];
            for (int i = 0; i < n; i++) {
                raw[i] = cohort.reading(i);
                avro[i] = InputMapping.toAvro(raw[i]);
                bytes[i] = serde.serializer().serialize(topics.readings(), avro[i]);
            }
        }

        int nextIndex() {
            int i = next;
            next = i + 1 == raw.length ? 0 : i + 1;
            return i;
        }
    }

    /** Wire-format bytes (magic, schema id, Avro binary) to a {@link LabReading} with the product's serde. */
    @Benchmark
    public LabReading avroDecode(Readings r) {
        return r.serde.deserializer().deserialize(r.topics.readings(), r.bytes[r.nextIndex()]);
    }

    /** A {@link LabReading} to wire-format bytes with the product's serde. */
    @Benchmark
    public byte[] avroEncode(Readings r) {
        return r.serde.serializer().serialize(r.topics.readings(), r.avro[r.nextIndex()]);
    }

    /** The ORU^R01 the HL7 throughput bench sends (4 OBX), segments ending in CR as on the wire. */
    @State(Scope.Thread)
    public static class Hl7Message {
        final Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(Clock.systemUTC()));
        private static final int WARM_UP_MESSAGES = 30_000;
        String text;

        @Setup
        public void setUp() throws IOException {
            try (var in = HotPathBenchmarks.class.getResourceAsStream("/hl7/oru-v251-loinc.hl7")) {
                text = String.join(
                        "\r",
                        new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                                .strip()
                                .lines()
                                .toList());
            }
            // HAPI's parser takes ~8 one-second iterations to reach C2 on one core, more than bench/run jmh's
            // warm-up: the rest of it happens here.
            for (int i = 0; i < WARM_UP_MESSAGES; i++) {
                mapper.map(text);
            }
        }
    }

    /** {@link Hl7Mapper#map(String)}: HAPI's parse (with {@code TokenizingPipeParser}) and the mapping to readings. */
    @Benchmark
    public Hl7Outcome hl7Map(Hl7Message m) {
        return m.mapper.map(m.text);
    }

    /** The unit conversions of the cohort's mix (mg/dL, cells/uL, mg/L FEU, ...), as UCUM conversions alone. */
    @State(Scope.Thread)
    public static class Units {
        final UnitConverter converter = new UnitConverter();
        final ReadingNormalizer normalizer = new ReadingNormalizer(SiteProfile.defaults(), converter);
        final String[][] conversions = {
            {"mg/dL", "mg/L"},
            {"mg/L", "mg/L"},
            {"10*3/uL", "10*9/L"},
            {"/uL", "10*9/L"},
            {"ug/mL", "ng/mL"},
            {"kPa", "mm[Hg]"},
            {"pg/mL", "pg/mL"},
            {"ng/mL", "ng/mL"}
        };
        int next;
    }

    /** {@link UnitConverter#convert} of one value between two units of the cohort's mix. */
    @Benchmark
    public Result<Double> unitConvert(Units u) {
        String[] c = u.conversions[u.next++ & 7];
        return u.converter.convert(12.5, c[0], c[1]);
    }

    /** {@link ReadingNormalizer#normalize}: LOINC/PARAMCD resolution, value parsing, conversion, plausibility. */
    @Benchmark
    public Result<NormalizedValue> normalizeReading(Readings r, Units u) {
        RawReading reading = r.raw[r.nextIndex()];
        return u.normalizer.normalize(reading.loinc(), reading.analyte(), reading.value(), reading.unit());
    }

    /**
     * The whole topology (the product's {@link BiomarkerTopology}, every processor and its real RocksDB stores,
     * serdes included) under {@link TopologyTestDriver}: one reading per operation, round-robin over 200 patients
     * whose events were sent first. No broker: no fetch, no produce, no transaction; changelog records are captured
     * by the driver and dropped each iteration.
     */
    @State(Scope.Thread)
    public static class Topology {
        Path stateDir;
        TopologyTestDriver driver;
        TestInputTopic<String, LabReading> readings;
        BenchCohort cohort;
        long next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            stateDir = Files.createTempDirectory("bench-jmh-state");
            AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
            TopologyConfig config = TopologyConfig.defaults(Clock.systemUTC());
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-jmh");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            p.put("processing.exception.handler.global.enabled", "true"); // as StreamsRuntime
            driver = new TopologyTestDriver(
                    BiomarkerTopology.build(config, serdes, new PipelineCounters(new SimpleMeterRegistry())),
                    p,
                    Instant.now());
            Topics topics = config.topics();
            cohort = new BenchCohort(200, 1_000, 11);
            TestInputTopic<String, ClinicalEvent> events = driver.createInputTopic(
                    topics.events(),
                    new StringSerializer(),
                    serdes.value(ClinicalEvent.class).serializer());
            for (RawClinicalEvent e : cohort.events()) {
                events.pipeInput(e.patientId(), InputMapping.toAvro(e));
            }
            readings = driver.createInputTopic(
                    topics.readings(),
                    new StringSerializer(),
                    serdes.value(LabReading.class).serializer());
            drain();
        }

        /** Output and changelog records pile up in the driver; drop them between iterations. */
        @TearDown(Level.Iteration)
        public void drain() {
            for (String topic : driver.producedTopicNames()) {
                driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            driver.close();
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** One reading through the whole topology on real RocksDB stores (see {@link Topology}). */
    @Benchmark
    public void topologyReading(Topology t) {
        long i = t.next++ % t.cohort.readings();
        RawReading r = t.cohort.reading(i);
        t.readings.pipeInput(r.patientId(), InputMapping.toAvro(r));
    }

    /**
     * The anchor of the ratio: one put of a ~200-byte value to a Kafka Streams persistent key-value store
     * (RocksDB; no cache, no changelog), random keys over 1M.
     */
    @State(Scope.Thread)
    public static class Store {
        Path stateDir;
        KeyValueStore<Bytes, byte[]> store;
        final SplittableRandom random = new SplittableRandom(5);
        final byte[] value = new byte[200];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            stateDir = Files.createTempDirectory("bench-jmh-rocksdb");
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-jmh-store");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            MockProcessorContext<Object, Object> context =
                    new MockProcessorContext<>(p, new TaskId(0, 0), stateDir.toFile());
            store = Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore("bench"), Serdes.Bytes(), Serdes.ByteArray())
                    .withLoggingDisabled()
                    .withCachingDisabled()
                    .build();
            store.init(context.getStateStoreContext(), store);
            for (int i = 0; i < 100_000; i++) {
                store.put(key(random.nextInt(1_000_000)), value);
            }
        }

        Bytes key(int k) {
            return Bytes.wrap(
                    ByteBuffer.allocate(16).putLong(k).putLong(k * 31L).array());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            store.close();
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Benchmark
    public void rocksdbPut(Store s) {
        s.store.put(s.key(s.random.nextInt(1_000_000)), s.value);
    }

    @Benchmark
    public byte[] rocksdbGet(Store s) {
        return s.store.get(s.key(s.random.nextInt(1_000_000)));
    }
}
