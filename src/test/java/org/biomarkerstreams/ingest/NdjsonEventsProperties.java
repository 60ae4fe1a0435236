package org.biomarkerstreams.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.testing.RawRecords;

class NdjsonEventsProperties {

    private static final List<String> FIELDS = List.of(
            "eventId", "revision", "patientId", "type", "at", "arm", "strata", "dose", "product", "enteredInError");

    @Property(tries = 500)
    void shouldNeverThrowWhenLineIsAnyString(@ForAll String line) {
        assertThat(NdjsonEvents.parse(line)).isInstanceOfAny(ParsedLine.Parsed.class, ParsedLine.Malformed.class);
    }

    @Property(tries = 500)
    void shouldNeverThrowWhenKnownFieldsHoldAnyJson(@ForAll("objectsOfKnownFields") String line) {
        assertThat(NdjsonEvents.parse(line)).isInstanceOfAny(ParsedLine.Parsed.class, ParsedLine.Malformed.class);
    }

    @Property(tries = 500)
    void shouldReadBackWhatWasWrittenWhenRoundTripped(@ForAll("events") RawClinicalEvent event) {
        RawClinicalEvent asRead = new RawClinicalEvent(
                event.eventId(),
                event.revision(),
                event.patientId(),
                event.type(),
                event.at(),
                event.arm(),
                event.strata(),
                event.dose(),
                event.product(),
                event.enteredInError(),
                NdjsonEvents.SOURCE);

        assertThat(NdjsonEvents.parse(NdjsonEvents.toJson(event))).isEqualTo(new ParsedLine.Parsed<>(asRead));
    }

    @Provide
    Arbitrary<RawClinicalEvent> events() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(24).injectNull(0.2);
        Arbitrary<Instant> instants = Combinators.combine(
                        Arbitraries.longs().between(-5_000_000_000L, 10_000_000_000L),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond)
                .injectNull(0.2);
        return RawRecords.events(text, instants);
    }

    @Provide
    Arbitrary<String> objectsOfKnownFields() {
        Arbitrary<String> field = Combinators.combine(
                        Arbitraries.of(FIELDS),
                        Arbitraries.oneOf(
                                NdjsonReadingsProperties.jsonValues(),
                                Arbitraries.of("\"INFUSION\"", "{\"severity\":1}", "{\"s\":null}")))
                .as((name, value) -> "\"" + name + "\":" + value);
        return field.list().ofMaxSize(6).map(fields -> fields.stream().collect(Collectors.joining(",", "{", "}")));
    }
}
