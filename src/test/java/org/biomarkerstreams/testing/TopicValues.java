package org.biomarkerstreams.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.biomarkerstreams.app.TopicExport;

/** Every committed value of a topic, in partition order: what a test reads back from an output. */
public final class TopicValues {

    private TopicValues() {}

    public static <V> List<V> all(String bootstrapServers, String topic, Deserializer<V> values) {
        List<V> out = new ArrayList<>();
        TopicExport.read(Map.of(), bootstrapServers, topic, values, (k, v) -> out.add(v));
        return out;
    }
}
