package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** A readable difference between expected and actual outputs per key: what is missing, extra, or differs. */
final class OutputDiff {

    private OutputDiff() {}

    static <V> List<String> of(Map<String, V> expected, Map<String, V> actual) {
        List<String> lines = new ArrayList<>();
        for (String k : new TreeSet<>(expected.keySet())) {
            if (!actual.containsKey(k)) {
                lines.add("missing " + k + " = " + expected.get(k));
            } else if (!Objects.equals(expected.get(k), actual.get(k))) {
                lines.add("differs " + k + "\n    expected " + expected.get(k) + "\n    actual   " + actual.get(k));
            }
        }
        for (String k : new TreeSet<>(actual.keySet())) {
            if (!expected.containsKey(k)) {
                lines.add("extra " + k + " = " + actual.get(k));
            }
        }
        return lines.size() > 10 ? lines.subList(0, 10) : lines;
    }
}
