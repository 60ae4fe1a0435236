package org.biomarkerstreams.ingest.hl7;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** HL7 samples damaged at random: characters inserted and deleted, segments dropped, fields cleared, truncated. */
final class Hl7Mutations {

    private Hl7Mutations() {}

    /** A sample of {@code src/test/resources/hl7} with one to six mutations applied. */
    static Arbitrary<String> mutatedFixtures() {
        Arbitrary<String> fixture = Arbitraries.of(Hl7Fixtures.ALL).map(Hl7Fixtures::read);
        Arbitrary<List<Mutation>> mutations = mutation().list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(fixture, mutations).as((text, list) -> {
            String result = text;
            for (Mutation m : list) {
                result = m.apply(result);
            }
            return result;
        });
    }

    private static Arbitrary<Mutation> mutation() {
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        Arbitrary<Character> any = Arbitraries.chars().with('|', '^', '~', '\\', '&', '\r', '\n', 'X', '9', ' ', '-');
        Arbitrary<Mutation> insert = Combinators.combine(where, any).as((w, c) -> s -> {
            int i = (int) (w * s.length());
            return s.substring(0, i) + c + s.substring(i);
        });
        Arbitrary<Mutation> delete = where.map(w -> s -> {
            if (s.isEmpty()) {
                return s;
            }
            int i = Math.min(s.length() - 1, (int) (w * s.length()));
            return s.substring(0, i) + s.substring(i + 1);
        });
        Arbitrary<Mutation> dropSegment = where.map(w -> s -> {
            List<String> segments = new ArrayList<>(Arrays.asList(s.split("\r\n|\r")));
            if (segments.isEmpty()) {
                return s;
            }
            segments.remove(Math.min(segments.size() - 1, (int) (w * segments.size())));
            return String.join("\r", segments);
        });
        Arbitrary<Mutation> clearField = Combinators.combine(where, where).as((ws, wf) -> s -> {
            List<String> segments = new ArrayList<>(Arrays.asList(s.split("\r\n|\r")));
            if (segments.isEmpty()) {
                return s;
            }
            int si = Math.min(segments.size() - 1, (int) (ws * segments.size()));
            String[] fields = segments.get(si).split("\\|", -1);
            int fi = Math.min(fields.length - 1, 1 + (int) (wf * (fields.length - 1)));
            fields[fi] = "";
            segments.set(si, String.join("|", fields));
            return String.join("\r", segments);
        });
        Arbitrary<Mutation> truncate = where.map(w -> s -> s.substring(0, (int) (w * s.length())));
        return Arbitraries.oneOf(insert, delete, dropSegment, clearField, truncate);
    }

    @FunctionalInterface
    private interface Mutation {
        String apply(String message);
    }
}
