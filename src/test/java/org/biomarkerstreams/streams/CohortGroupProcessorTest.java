package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.junit.jupiter.api.Test;

/** The group processor on its own: members survive a restart through the store, and emission is by schedule. */
class CohortGroupProcessorTest {

    private static final String STORE = "members";

    /** Renders a group as one record whose n is its member count. */
    private static Map<String, SpecificRecord> count(String group, SortedMap<String, byte[]> members, Instant at) {
        Map<String, SpecificRecord> out = new TreeMap<>();
        if (!members.isEmpty()) {
            out.put(
                    group,
                    CohortVisitSummary.newBuilder()
                            .setProtocol("p")
                            .setArm(group)
                            .setAnalyte("CRP")
                            .setUnit("mg/L")
                            .setVisit("D3")
                            .setN(members.size())
                            .setNMissing(0)
                            .setUpdatedAt(at)
                            .build());
        }
        return out;
    }

    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();

    private MockProcessorContext<String, SpecificRecord> started(CohortGroupProcessor processor) {
        MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
        if (!store.isOpen()) {
            store.init(context.getStateStoreContext(), store);
        }
        context.addStateStore(store);
        processor.init(context);
        return context;
    }

    private long wallClock = 1_000_000L;

    /** A group processor rendering {@link #count}, emitting once a second. */
    private static CohortGroupProcessor counting() {
        return new CohortGroupProcessor(STORE, CohortGroupProcessorTest::count, Duration.ofSeconds(1));
    }

    /**
     * One member's change in one group, as its contributor sends it: keyed by the analyte, from a source of its own
     * (here the member key itself).
     */
    private static Record<String, Contribution> change(String group, String member, byte[] payload, long at) {
        return new Record<>(
                "CRP", new Contribution(member, List.of(new Contribution.Change(group, member, payload))), at);
    }

    /** Fires the schedule once an interval (1 s) later than the last time. */
    private void punctuate(MockProcessorContext<String, SpecificRecord> context) {
        wallClock += 1_000L;
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(wallClock));
    }

    @Test
    void shouldRenderARoundInSlicesOfTheBudgetAndEachChangedGroupOncePerRound() {
        // One member per group and a budget of three members: three groups per tick.
        List<String> rendered = new java.util.ArrayList<>();
        CohortGroupProcessor.GroupView recording = (group, members, at) -> {
            rendered.add(group);
            return count(group, members, at);
        };
        CohortGroupProcessor processor = new CohortGroupProcessor(STORE, recording, Duration.ofSeconds(1), 3);
        MockProcessorContext<String, SpecificRecord> context = started(processor);
        assertThat(context.scheduledPunctuators()).singleElement().satisfies(p -> assertThat(p.getInterval())
                .isEqualTo(CohortGroupProcessor.TICK));
        for (int g = 0; g < 8; g++) {
            processor.process(change("g" + g, "t1", new byte[] {1}, 10L));
        }

        processor.onTick(5_000L);
        assertThat(rendered).containsExactly("g0", "g1", "g2");
        // A change to a group already rendered in this round waits for the next round.
        processor.process(change("g0", "t2", new byte[] {1}, 20L));
        processor.onTick(5_100L);
        assertThat(rendered).containsExactly("g0", "g1", "g2", "g3", "g4", "g5");
        processor.onTick(5_200L);
        assertThat(rendered).containsExactly("g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7");
        assertThat(context.forwarded()).hasSize(8);

        processor.onTick(5_300L);
        assertThat(rendered)
                .as("the next round is not due before the interval has passed")
                .hasSize(8);
        processor.onTick(6_000L);
        assertThat(rendered).hasSize(9).last().isEqualTo("g0");
        assertThat(((CohortVisitSummary) context.forwarded().get(8).record().value()).getN())
                .isEqualTo(2);
    }

    @Test
    void shouldRenderAtLeastOneGroupPerTickWhateverItsSize() {
        CohortGroupProcessor processor =
                new CohortGroupProcessor(STORE, CohortGroupProcessorTest::count, Duration.ofSeconds(1), 1);
        MockProcessorContext<String, SpecificRecord> context = started(processor);
        for (String token : List.of("t1", "t2", "t3")) {
            processor.process(change("g1", token, new byte[] {1}, 10L));
        }
        processor.process(change("g2", "t1", new byte[] {1}, 10L));

        processor.onTick(5_000L);
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(
                        ((CohortVisitSummary) f.record().value()).getN())
                .isEqualTo(3));
        processor.onTick(5_100L);
        assertThat(context.forwarded()).hasSize(2);
    }

    @Test
    void shouldEmitOnlyWhenTheScheduleFiresAndSkipUnchangedGroups() {
        CohortGroupProcessor processor = counting();
        MockProcessorContext<String, SpecificRecord> context = started(processor);
        processor.process(change("g1", "t1", new byte[] {1}, 10L));
        processor.process(change("g1", "t2", new byte[] {1}, 20L));
        assertThat(context.forwarded()).isEmpty();

        punctuate(context);
        assertThat(context.forwarded()).hasSize(1);
        assertThat(((CohortVisitSummary) context.forwarded().get(0).record().value()).getN())
                .isEqualTo(2);
        assertThat(context.forwarded().get(0).record().timestamp()).isEqualTo(20L);

        context.resetForwards();
        processor.process(change("g1", "t2", new byte[] {2}, 30L));
        punctuate(context);
        assertThat(context.forwarded()).as("same count, only updatedAt differs").isEmpty();
    }

    @Test
    void shouldKeepUpdatedAtAndTheStoreWhenAContributionIsResentUnchanged() {
        CohortGroupProcessor processor = counting();
        started(processor);
        processor.process(change("g1", "t1", new byte[] {1}, 10L));
        processor.process(change("g1", "t1", new byte[] {1}, 50L));
        processor.process(change("g1", "t9", null, 60L));

        // A restart renders every group from the store: updatedAt must be the last real change (10).
        CohortGroupProcessor restarted = counting();
        MockProcessorContext<String, SpecificRecord> context = started(restarted);
        punctuate(context);

        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().timestamp()).isEqualTo(10L);
            assertThat(((CohortVisitSummary) f.record().value()).getUpdatedAt()).isEqualTo(Instant.ofEpochMilli(10L));
        });
    }

    @Test
    void shouldTombstoneGroupWhenItsLastMemberLeaves() {
        CohortGroupProcessor processor = counting();
        MockProcessorContext<String, SpecificRecord> context = started(processor);
        processor.process(change("g1", "t1", new byte[] {1}, 10L));
        punctuate(context);
        context.resetForwards();

        processor.process(change("g1", "t1", null, 20L));
        punctuate(context);

        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo("g1");
            assertThat(f.record().value()).isNull();
        });
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldRebuildMembersFromTheStoreAndEmitThemWhenRestarted() {
        CohortGroupProcessor first = counting();
        started(first);
        for (String token : List.of("t1", "t2", "t3")) {
            first.process(change("g1", token, new byte[] {1}, 10L));
        }
        // no punctuation: as if the instance crashed after committing the store but before emitting

        CohortGroupProcessor second = counting();
        MockProcessorContext<String, SpecificRecord> context = started(second);
        second.process(change("g1", "t4", new byte[] {1}, 40L));
        punctuate(context);

        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(
                        ((CohortVisitSummary) f.record().value()).getN())
                .isEqualTo(4));
    }

    @Test
    void shouldKeepOneEntryPerSourceAndAnalyteAndRebuildEveryGroupOfItWhenRestarted() {
        CohortGroupProcessor first = counting();
        started(first);
        List<Contribution.Change> three = List.of(
                new Contribution.Change("g1", "t1", new byte[] {1}),
                new Contribution.Change("g2", "t1", new byte[] {1}),
                new Contribution.Change("g3", "ALL|t1", new byte[] {1}));
        first.process(new Record<>("CRP", new Contribution("s1", three), 10L));
        first.process(change("g3", "t2", new byte[] {1}, 20L));
        assertThat(store.approximateNumEntries())
                .as("one entry per source, however many groups")
                .isEqualTo(2);
        // The source leaves g2 only: the entry is rewritten, g1 and g3 keep it.
        first.process(
                new Record<>("CRP", new Contribution("s1", List.of(new Contribution.Change("g2", "t1", null))), 30L));
        assertThat(store.approximateNumEntries()).isEqualTo(2);

        CohortGroupProcessor second = counting();
        MockProcessorContext<String, SpecificRecord> context = started(second);
        punctuate(context);
        Map<String, Integer> n = new TreeMap<>();
        Map<String, Long> at = new TreeMap<>();
        context.forwarded().forEach(f -> {
            n.put(f.record().key(), ((CohortVisitSummary) f.record().value()).getN());
            at.put(f.record().key(), f.record().timestamp());
        });
        assertThat(n).containsExactlyInAnyOrderEntriesOf(Map.of("g1", 1, "g3", 2));
        assertThat(at).as("each group's last change").containsExactlyInAnyOrderEntriesOf(Map.of("g1", 10L, "g3", 20L));
    }

    @Test
    void shouldRebuildFromTheStoreNotAddToMemoryWhenTheSameInstanceIsInitAgain() {
        CohortGroupProcessor processor = counting();
        MockProcessorContext<String, SpecificRecord> context = started(processor);
        processor.process(change("g1", "t1", new byte[] {1}, 10L));
        // As after an aborted transaction: the store lost what memory still holds.
        processor.process(change("g1", "t2", new byte[] {1}, 20L));
        store.delete(CohortKey.join("CRP", "t2"));

        context.resetForwards();
        processor.init(context);
        assertThat(context.scheduledPunctuators()).hasSize(2);
        assertThat(context.scheduledPunctuators().get(0).cancelled()).isTrue();
        processor.process(change("g1", "t2", new byte[] {1}, 30L));
        assertThat(store.get(CohortKey.join("CRP", "t2")))
                .as("reprocessed, written again")
                .isNotNull();
        processor.onTick(5_000L);
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(
                        ((CohortVisitSummary) f.record().value()).getN())
                .isEqualTo(2));
    }
}
