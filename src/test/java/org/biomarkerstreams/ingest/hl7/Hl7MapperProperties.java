package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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
        return Hl7Mutations.mutatedFixtures();
    }
}
