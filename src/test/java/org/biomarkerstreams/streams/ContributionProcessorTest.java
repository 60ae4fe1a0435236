package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.junit.jupiter.api.Test;

/**
 * The contributor on its own: changes are coalesced per interval into one difference, a change undone within the
 * interval sends nothing, and pending contributions survive a restart through the store.
 */
class ContributionProcessorTest {

    private static final String STORE = "sent";
    private static final ContributionProcessor.Target GROUP_A = new ContributionProcessor.Target("A", "m1");
    private static final ContributionProcessor.Target GROUP_B = new ContributionProcessor.Target("B", "m1");

    /** A point's value contributes to group A; a negative value moves the patient to group B. */
    private static List<ContributionProcessor.Contributions> contributions(SpecificRecord record) {
        TrajectoryPoint p = (TrajectoryPoint) record;
        byte[] payload = Double.toString(Math.abs(p.getValue())).getBytes(StandardCharsets.UTF_8);
        return List.of(new ContributionProcessor.Contributions(
                p.getPatientId(), p.getAnalyte(), Map.of(p.getValue() < 0 ? GROUP_B : GROUP_A, payload)));
    }

    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();

    private MockProcessorContext<String, Contribution> started(ContributionProcessor processor) {
        MockProcessorContext<String, Contribution> context = new MockProcessorContext<>();
        if (!store.isOpen()) {
            store.init(context.getStateStoreContext(), store);
        }
        context.addStateStore(store);
        processor.init(context);
        return context;
    }

    private static ContributionProcessor processor() {
        return new ContributionProcessor(STORE, ContributionProcessorTest::contributions, Duration.ofSeconds(1));
    }

    private static Record<String, SpecificRecord> point(double value, long timestamp) {
        return new Record<>(
                "p1|r1",
                TrajectoryPoint.newBuilder()
                        .setPatientId("p1")
                        .setAnalyte("CRP")
                        .setReadingId("r1")
                        .setRevision(0)
                        .setObservedAt(Instant.ofEpochMilli(timestamp))
                        .setValue(value)
                        .setUnit("mg/L")
                        .setStatus(ResultStatus.FINAL)
                        .setRetracted(false)
                        .setReceivedAt(Instant.ofEpochMilli(timestamp))
                        .build(),
                timestamp);
    }

    private static void flush(MockProcessorContext<String, Contribution> context) {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(0L));
    }

    private static List<String> sent(MockProcessorContext<String, Contribution> context) {
        return context.forwarded().stream()
                .map(f -> f.record().key() + ":"
                        + (f.record().value().removal()
                                ? "removal"
                                : new String(f.record().value().payload(), StandardCharsets.UTF_8)))
                .toList();
    }

    @Test
    void shouldSendOneDifferencePerIntervalWhenAContributionChangesSeveralTimes() {
        ContributionProcessor processor = processor();
        MockProcessorContext<String, Contribution> context = started(processor);
        processor.process(point(1, 10));
        processor.process(point(2, 20));
        processor.process(point(3, 30));

        assertThat(context.forwarded()).isEmpty();
        flush(context);
        assertThat(sent(context)).containsExactly("A:3.0");
        assertThat(context.forwarded().get(0).record().timestamp()).isEqualTo(30L);
    }

    @Test
    void shouldSendARemovalAndTheNewGroupWhenThePatientMovedWithinTheInterval() {
        ContributionProcessor processor = processor();
        MockProcessorContext<String, Contribution> context = started(processor);
        processor.process(point(1, 10));
        flush(context);
        context.resetForwards();
        processor.process(point(2, 20));
        processor.process(point(-4, 30));
        flush(context);

        assertThat(sent(context)).containsExactlyInAnyOrder("A:removal", "B:4.0");
    }

    @Test
    void shouldSendNothingWhenAChangeIsUndoneWithinTheInterval() {
        ContributionProcessor processor = processor();
        MockProcessorContext<String, Contribution> context = started(processor);
        processor.process(point(1, 10));
        flush(context);
        context.resetForwards();
        processor.process(point(2, 20));
        processor.process(point(1, 30));
        flush(context);

        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void shouldSendPendingContributionsWhenTheProcessorStartsAgain() {
        ContributionProcessor first = processor();
        started(first);
        first.process(point(5, 10));
        // Stopped before its flush: the pending contribution is in the store.
        MockProcessorContext<String, Contribution> after = started(processor());
        flush(after);

        assertThat(sent(after)).containsExactly("A:5.0");
    }

    @Test
    void shouldSendAtOnceWhenARecordIsRedelivered() {
        ContributionProcessor processor = processor();
        MockProcessorContext<String, Contribution> context = started(processor);
        processor.process(point(1, 10));
        flush(context);
        context.resetForwards();
        Record<String, SpecificRecord> again = point(1, 10);
        Redelivery.mark(again.headers());
        processor.process(again);

        assertThat(sent(context)).containsExactly("A:1.0");
    }
}
