package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The suite's invariants: how a faulted run must compare with an uninterrupted one. */
public final class RunComparison {

    private static final Pattern REVISION = Pattern.compile("\"revision\": (\\d+)");
    private static final Pattern RETRACTED = Pattern.compile("\"retracted\": (true|false)");

    private RunComparison() {}

    /**
     * Exactly one live trajectory point per accepted reading, at the reading's last revision: nothing
     * lost, nothing invented, no correction left behind.
     */
    public static void assertTrajectoryPerRevision(ReliabilityFeed feed, PipelineOutputs outputs, String what) {
        Map<String, String> points = outputs.finalStates("trajectory");
        Map<String, Long> expected = feed.latestRevisions();
        long missing =
                expected.keySet().stream().filter(k -> !points.containsKey(k)).count();
        long unexpected =
                points.keySet().stream().filter(k -> !expected.containsKey(k)).count();
        long wrongRevision = 0;
        long retracted = 0;
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            String point = points.get(e.getKey());
            if (point == null) {
                continue;
            }
            Matcher revision = REVISION.matcher(point);
            Matcher gone = RETRACTED.matcher(point);
            if (!revision.find() || Long.parseLong(revision.group(1)) != e.getValue()) {
                wrongRevision++;
            }
            if (gone.find() && gone.group(1).equals("true")) {
                retracted++;
            }
        }
        assertThat(List.of(missing, unexpected, wrongRevision, retracted))
                .as(
                        "%s: readings without a point, points without a reading, points at another revision than the"
                                + " reading's last, retracted points (of %d readings)",
                        what, expected.size())
                .containsOnly(0L);
    }

    /**
     * The faulted run equals the uninterrupted one. The order in which Kafka Streams interleaves the
     * records of different partitions differs from run to run (and so do the intermediate records a
     * patient's outputs go through before its events arrive), so what is compared is what must not
     * depend on it: every latest-state output ends in the same value for every key (the cohort views'
     * {@code updatedAt}, the stream time of a group's last change, left out: it records that order);
     * with {@code exactly} (exactly_once_v2) no alert is sent twice. All differences are reported
     * together.
     */
    public static void assertEquivalent(
            ReliabilityRun run, PipelineOutputs expected, PipelineOutputs actual, boolean exactly) throws IOException {
        List<String> differences = new ArrayList<>();
        for (String output : PipelineOutputs.STATES) {
            String d = PipelineOutputs.difference(
                    output + " final states",
                    withoutUpdatedAt(expected.finalStates(output)),
                    withoutUpdatedAt(actual.finalStates(output)),
                    run.details(output + "-final"));
            if (d != null) {
                differences.add(d);
            }
        }
        // Alerts are events, not states: which crossings a patient's points make depends on the order its
        // readings and events met (a reading before the anchor is judged again when the anchor comes), so
        // two runs may rightly differ. What exactly-once promises for them: no alert sent twice.
        if (exactly) {
            long repeated = alertIds(actual).values().stream()
                    .mapToLong(ids -> ids.size() - ids.stream().distinct().count())
                    .sum();
            if (repeated > 0) {
                differences.add("alerts: " + repeated + " sent more than once");
            }
        }
        assertThat(differences)
                .as("outputs of the faulted run against the uninterrupted one")
                .isEmpty();
    }

    private static final Pattern UPDATED_AT = Pattern.compile(", \"updatedAt\": \"[^\"]*\"");
    private static final Pattern ALERT_ID = Pattern.compile("\"alertId\": \"([^\"]*)\"");

    private static Map<String, String> withoutUpdatedAt(Map<String, String> states) {
        Map<String, String> out = new TreeMap<>();
        states.forEach((k, v) -> out.put(k, UPDATED_AT.matcher(v).replaceAll("")));
        return out;
    }

    /** Per patient, the ids of its alerts (kind and reading) in the order sent, sorted. */
    private static Map<String, List<String>> alertIds(PipelineOutputs outputs) {
        Map<String, List<String>> ids = new TreeMap<>();
        outputs.sequences("alerts")
                .forEach((key, alerts) -> ids.put(
                        key,
                        alerts.stream()
                                .map(a -> {
                                    Matcher m = ALERT_ID.matcher(a);
                                    return m.find() ? m.group(1) : a;
                                })
                                .sorted()
                                .toList()));
        return ids;
    }
}
