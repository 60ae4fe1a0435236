package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.junit.jupiter.api.Test;

/**
 * The contributor's side of the cohort stage: one record per change and analyte, and the first start's resend of
 * a sent store written by the release that sent one record per group and member.
 */
class ContributionProcessorTest {

    private static final String SENT = "sent";

    private final KeyValueStore<String, byte[]> sent = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(SENT), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();

    /** A contributor of summaries: the patient in the arm's and ALL's group of the summary's analyte. */
    private static List<ContributionProcessor.Contributions> contributions(SpecificRecord record) {
        BiomarkerSummary s = (BiomarkerSummary) record;
        String token = ContributionProcessor.token(s.getPatientId());
        Map<ContributionProcessor.Target, byte[]> payloads = new LinkedHashMap<>();
        for (String arm : List.of(s.getArm(), "ALL")) {
            payloads.put(
                    new ContributionProcessor.Target(CohortKey.join(arm, null, null, s.getAnalyte()), token),
                    new byte[] {(byte) s.getReadingCount()});
        }
        return List.of(new ContributionProcessor.Contributions(s.getPatientId(), s.getAnalyte(), payloads));
    }

    private MockProcessorContext<String, Contribution> started(ContributionProcessor processor) {
        MockProcessorContext<String, Contribution> context = new MockProcessorContext<>();
        if (!sent.isOpen()) {
            sent.init(context.getStateStoreContext(), sent);
        }
        context.addStateStore(sent);
        processor.init(context);
        return context;
    }

    private static BiomarkerSummary summary(String patient, String arm, String analyte, int readings) {
        return BiomarkerSummary.newBuilder()
                .setPatientId(patient)
                .setAnalyte(analyte)
                .setUnit("mg/L")
                .setArm(arm)
                .setReadingCount(readings)
                .setLatestAt(Instant.EPOCH)
                .build();
    }

    @Test
    void shouldSendOneRecordPerChangeKeyedByAnalyteWithoutThePatientId() {
        ContributionProcessor processor = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        MockProcessorContext<String, Contribution> context = started(processor);
        processor.process(new Record<>("P-SECRET", summary("P-SECRET", "MSC", "CRP", 1), 10L));

        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo("CRP");
            Contribution c = f.record().value();
            assertThat(c.source()).isEqualTo(ContributionProcessor.source("P-SECRET", "CRP"));
            assertThat(c.changes()).extracting(Contribution.Change::group).containsExactly("MSC|||CRP", "ALL|||CRP");
            assertThat(new String(c.encode(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain("P-SECRET");
        });

        // The arm changes: a removal from MSC, the new payload in CONTROL and ALL, still one record.
        context.resetForwards();
        processor.process(new Record<>("P-SECRET", summary("P-SECRET", "CONTROL", "CRP", 2), 20L));
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(
                        f.record().value().changes())
                .extracting(c -> c.group() + (c.removal() ? " -" : " +"))
                .containsExactly("MSC|||CRP -", "ALL|||CRP +", "CONTROL|||CRP +"));

        // Unchanged: nothing.
        context.resetForwards();
        processor.process(new Record<>("P-SECRET", summary("P-SECRET", "CONTROL", "CRP", 2), 30L));
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void shouldResendWhatTheSentStoreHoldsOnceInSlicesAndThenMarkIt() {
        // A sent store as the release before left it: entries, no mark.
        ContributionProcessor before = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        MockProcessorContext<String, Contribution> first = started(before);
        int patients = ContributionProcessor.RESEND_SLICE + 500;
        for (int p = 0; p < patients; p++) {
            before.process(new Record<>("P" + p, summary("P" + p, p % 2 == 0 ? "MSC" : "CONTROL", "CRP", 1), 5L));
        }
        sent.delete(ContributionProcessor.MIGRATED);
        List<Record<String, Contribution>> live = new ArrayList<>();
        first.forwarded()
                .forEach(f -> live.add(new Record<>(
                        f.record().key(), f.record().value(), f.record().timestamp())));

        ContributionProcessor processor = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        MockProcessorContext<String, Contribution> context = started(processor);
        context.setCurrentStreamTimeMs(1_234L);
        assertThat(context.scheduledPunctuators()).singleElement().satisfies(p -> assertThat(p.getInterval())
                .isEqualTo(ContributionProcessor.RESEND_TICK));
        MockProcessorContext.CapturedPunctuator tick =
                context.scheduledPunctuators().get(0);

        tick.getPunctuator().punctuate(9_999_999L);
        assertThat(context.forwarded()).hasSize(ContributionProcessor.RESEND_SLICE);
        assertThat(sent.get(ContributionProcessor.MIGRATED)).isNull();
        assertThat(tick.cancelled()).isFalse();
        tick.getPunctuator().punctuate(10_099_999L);
        assertThat(context.forwarded()).hasSize(patients);
        assertThat(sent.get(ContributionProcessor.MIGRATED))
                .as("marked only at the tick after the commit the last slice asked for")
                .isNull();
        tick.getPunctuator().punctuate(10_199_999L);
        assertThat(context.forwarded()).hasSize(patients);
        assertThat(sent.get(ContributionProcessor.MIGRATED)).isNotNull();
        assertThat(tick.cancelled()).isTrue();

        // What was resent is what was sent, stamped with stream time, not the wall clock.
        List<Record<String, Contribution>> resent = new ArrayList<>();
        context.forwarded()
                .forEach(f -> resent.add(new Record<>(
                        f.record().key(), f.record().value(), f.record().timestamp())));
        assertThat(resent).allSatisfy(r -> assertThat(r.timestamp()).isEqualTo(1_234L));
        assertThat(members(resent)).isEqualTo(members(live)).hasSize(2 * patients);

        // Marked: the next start sends nothing.
        ContributionProcessor again = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        assertThat(started(again).scheduledPunctuators()).isEmpty();
    }

    @Test
    void shouldStartTheResendAgainWhenTheSameInstanceIsInitAgain() {
        ContributionProcessor before = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        started(before);
        int patients = ContributionProcessor.RESEND_SLICE + 10;
        for (int p = 0; p < patients; p++) {
            before.process(new Record<>("P" + p, summary("P" + p, "MSC", "CRP", 1), 5L));
        }
        sent.delete(ContributionProcessor.MIGRATED);

        ContributionProcessor processor = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        MockProcessorContext<String, Contribution> context = started(processor);
        context.setCurrentStreamTimeMs(5L);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1L);
        assertThat(context.forwarded()).hasSize(ContributionProcessor.RESEND_SLICE);

        // A revived task: the same instance, init again, its transaction (the first slice) aborted.
        context.resetForwards();
        processor.init(context);
        assertThat(context.scheduledPunctuators()).hasSize(2);
        assertThat(context.scheduledPunctuators().get(0).cancelled()).isTrue();
        MockProcessorContext.CapturedPunctuator again =
                context.scheduledPunctuators().get(1);
        again.getPunctuator().punctuate(2L);
        again.getPunctuator().punctuate(3L);
        again.getPunctuator().punctuate(4L);
        assertThat(context.forwarded()).as("every entry again, from the first").hasSize(patients);
        assertThat(sent.get(ContributionProcessor.MIGRATED)).isNotNull();
        assertThat(again.cancelled()).isTrue();
    }

    @Test
    void shouldGiveTheGroupProcessorTheSameGroupsFromAResendAsFromTheLiveChanges() {
        ContributionProcessor contributor = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        MockProcessorContext<String, Contribution> live = started(contributor);
        contributor.process(new Record<>("P1", summary("P1", "MSC", "CRP", 1), 5L));
        contributor.process(new Record<>("P2", summary("P2", "MSC", "CRP", 1), 6L));
        contributor.process(new Record<>("P1", summary("P1", "CONTROL", "CRP", 3), 7L));
        sent.delete(ContributionProcessor.MIGRATED);

        ContributionProcessor restarted = new ContributionProcessor(SENT, ContributionProcessorTest::contributions);
        MockProcessorContext<String, Contribution> resend = started(restarted);
        resend.setCurrentStreamTimeMs(7L);
        resend.scheduledPunctuators().get(0).getPunctuator().punctuate(0L);

        assertThat(groups(resend.forwarded()))
                .isEqualTo(groups(live.forwarded()))
                .containsOnlyKeys("MSC|||CRP", "CONTROL|||CRP", "ALL|||CRP");
    }

    /** Group to "member=payload" as a group processor fed these records renders them (emptied groups left out). */
    private static Map<String, List<String>> groups(
            List<MockProcessorContext.CapturedForward<? extends String, ? extends Contribution>> forwarded) {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("members"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        Map<String, List<String>> rendered = new TreeMap<>();
        CohortGroupProcessor processor = new CohortGroupProcessor(
                "members",
                (group, members, at) -> {
                    List<String> text = new ArrayList<>();
                    members.forEach((member, payload) -> text.add(member + "=" + Arrays.toString(payload)));
                    if (!text.isEmpty()) {
                        rendered.put(group, text);
                    }
                    return Map.of();
                },
                Duration.ofSeconds(1));
        MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor.init(context);
        forwarded.forEach(f -> processor.process(
                new Record<>(f.record().key(), f.record().value(), f.record().timestamp())));
        processor.onTick(Long.MAX_VALUE / 2);
        return rendered;
    }

    private static Map<String, String> members(List<Record<String, Contribution>> records) {
        Map<String, String> out = new TreeMap<>();
        records.forEach(r -> r.value().changes().forEach(c -> {
            if (!c.removal()) {
                out.put(
                        r.key() + " " + r.value().source() + " " + c.group() + " " + c.member(),
                        Arrays.toString(c.payload()));
            }
        }));
        return out;
    }
}
