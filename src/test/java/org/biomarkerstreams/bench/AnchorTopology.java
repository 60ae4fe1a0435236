package org.biomarkerstreams.bench;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.biomarkerstreams.avro.LabReading;

/**
 * The two published anchors as Kafka Streams applications, run by {@link StreamsBench} on the same reading
 * topic, core and harness as the product's topology, so that its ratio can be read against what Kafka Streams
 * itself does here:
 *
 * <ul>
 *   <li>{@code passthrough}: the reading topic decoded and written, re-encoded, to another topic — no state;
 *   <li>{@code one-put}: one put per reading (keyed by reading id, the reading as its value) into a persistent
 *       key-value store, RocksDB with Kafka Streams' defaults: no record cache, changelogged — nothing written
 *       downstream.
 * </ul>
 *
 * Both with the product's wire-format serde and the settings the product runs with: exactly_once_v2, the default
 * commit interval, one stream thread.
 *
 * <p>Usage: {@code AnchorTopology passthrough|one-put BOOTSTRAP APP_ID STATE_DIR READINGS_TOPIC OUTPUT_TOPIC
 * REGISTRY_URL}. Runs until killed.
 */
public final class AnchorTopology {

    static final String PASSTHROUGH = "passthrough";
    static final String ONE_PUT = "one-put";
    private static final String STORE = "anchor-readings";

    private AnchorTopology() {}

    public static void main(String[] args) throws InterruptedException {
        String kind = args[0];
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[2]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[3]);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        String readings = args[4];
        String output = args[5];
        // Registers the pass-through's output subject.
        Serde<LabReading> serde = BenchRegistry.readingSerde(args[6], true);

        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, LabReading> in = builder.stream(readings, Consumed.with(Serdes.String(), serde));
        switch (kind) {
            case PASSTHROUGH -> in.to(output, Produced.with(Serdes.String(), serde));
            case ONE_PUT -> {
                builder.addStateStore(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), serde));
                in.process(PutOne::new, STORE);
            }
            default -> throw new IllegalArgumentException("unknown anchor " + kind);
        }
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close));
        streams.start();
        System.out.println("anchor " + kind + " started");
        stopped.await();
        System.exit(1); // only an error stops it before the driver does
    }

    /** One put per reading, nothing forwarded. */
    private static final class PutOne implements Processor<String, LabReading, Void, Void> {
        private KeyValueStore<String, LabReading> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, LabReading> record) {
            store.put(record.value().getReadingId(), record.value());
        }
    }
}
