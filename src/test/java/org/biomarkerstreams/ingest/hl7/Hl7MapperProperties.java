package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.biomarkerstreams.domain.ErrorCode;

class Hl7MapperProperties {

    private final Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(Hl7Fixtures.CLOCK));

    @Property(tries = 300)
    void shouldAcceptOrRejectWhenTextIsArbitrary(@ForAll String text) {
        assertThat(mapper.map(text)).isNotNull();
    }

    @Property(tries = 300)
    void shouldAcceptOrRejectWhenTextStartsLikeHl7(@ForAll("hl7ish") String text) {
        assertThat(mapper.map(text)).isNotNull();
    }

    @Property(tries = 500)
    void shouldAcceptOrRejectWhenValidMessageIsMutated(@ForAll("mutated") String message) {
        Hl7Outcome outcome = mapper.map(message);

        assertThat(outcome).isNotNull();
        if (outcome instanceof Hl7Outcome.Rejected rejected) {
            assertThat(rejected.errorCode())
                    .isIn(ErrorCode.UNDESERIALIZABLE, ErrorCode.UNSUPPORTED_MESSAGE, ErrorCode.MISSING_FIELD);
            assertThat(rejected.message()).doesNotContain("P-017", "556677", "99887766", "P-021");
        }
    }

    @Provide
    Arbitrary<String> hl7ish() {
        return Arbitraries.strings()
                .withChars("MSH|^~\\&#!\r\nPIDOBXRA0123456789.-+<>")
                .ofMaxLength(300)
                .map(s -> "MSH|^~\\&|" + s);
    }

    @Provide
    Arbitrary<String> mutated() {
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

    private Arbitrary<Mutation> mutation() {
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
