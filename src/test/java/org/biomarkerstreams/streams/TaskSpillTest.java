package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.TaskId;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spill holds input records as read (patient data) on local disk: only its owner can open it, and nothing of
 * it is left once the task is drained and closed. (That a task folded from it group by group leaves what the
 * topology leaves is BatchTaskProperties'.)
 */
class TaskSpillTest {

    private final TopologyConfig config = TopologyConfig.defaults(Clock.systemUTC());

    @Test
    void shouldKeepItsFilesOwnerOnlyAndDeleteThemWhenClosed(@TempDir Path parent) throws Exception {
        List<String> sent = new ArrayList<>();
        Path directory;
        try (TaskSpill spill = spill(parent.resolve("spills"), 4)) {
            for (int i = 0; i < 20; i++) {
                spill.add(
                        config.topics().readings(),
                        0,
                        i,
                        new RecordHeaders(),
                        ("P" + i).getBytes(StandardCharsets.UTF_8),
                        "not avro".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(spill.records()).isEqualTo(20);
            try (Stream<Path> dirs = Files.list(parent.resolve("spills"))) {
                directory = dirs.findFirst().orElseThrow();
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                    .isEqualTo("rwx------");
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files.count())
                        .as("one file per group that has records")
                        .isBetween(2L, 4L);
            }
            spill.drain((topic, partition, timestamp, key, value) -> sent.add(topic));
        }
        assertThat(directory).doesNotExist();
        assertThat(sent)
                .as("garbage on the readings topic: one dead letter per record")
                .filteredOn(config.topics().deadLetters()::equals)
                .hasSize(20);
    }

    @Test
    void shouldRefuseARecordOfAnotherTopic(@TempDir Path parent) {
        try (TaskSpill spill = spill(parent, 1)) {
            assertThatThrownBy(() -> spill.add("elsewhere", 0, 0, new RecordHeaders(), null, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("elsewhere");
        }
    }

    private TaskSpill spill(Path parent, int groups) {
        return new TaskSpill(
                new PatientSubtopology(config, new PipelineCounters(new SimpleMeterRegistry())),
                new TaskId(0, 0),
                new AvroSerdes(new InMemorySchemaRegistry(), true),
                "spill-test",
                parent,
                groups);
    }
}
