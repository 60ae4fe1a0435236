package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

class InputMappingProperties {

    @Property(tries = 500)
    void shouldGiveBackTheReadingWhenRoundTrippedThroughAvroBinary(@ForAll("readings") RawReading reading)
            throws IOException {
        LabReading decoded =
                LabReading.fromByteBuffer(InputMapping.toAvro(reading).toByteBuffer());

        assertThat(InputMapping.fromAvro(decoded)).isEqualTo(reading);
    }

    @Property(tries = 500)
    void shouldGiveBackTheEventWhenRoundTrippedThroughAvroBinary(@ForAll("events") RawClinicalEvent event)
            throws IOException {
        ClinicalEvent decoded =
                ClinicalEvent.fromByteBuffer(InputMapping.toAvro(event).toByteBuffer());

        assertThat(InputMapping.fromAvro(decoded)).isEqualTo(event);
    }

    private static Arbitrary<String> text() {
        return Arbitraries.strings().ofMaxLength(16).injectNull(0.2);
    }

    /** Millisecond instants: all that timestamp-millis carries. */
    private static Arbitrary<Instant> instants() {
        return Arbitraries.longs()
                .between(-5_000_000_000_000L, 10_000_000_000_000L)
                .map(Instant::ofEpochMilli)
                .injectNull(0.2);
    }

    @Provide
    Arbitrary<RawReading> readings() {
        return Combinators.combine(text(), Arbitraries.longs(), text(), text(), text(), text(), text(), instants())
                .as(Tuple::of)
                .flatMap(head -> Combinators.combine(
                                Arbitraries.of(ResultStatus.class), text(), text(), text(), instants())
                        .as((status, range, flags, source, received) -> new RawReading(
                                head.get1(),
                                head.get2(),
                                head.get3(),
                                head.get4(),
                                head.get5(),
                                head.get6(),
                                head.get7(),
                                head.get8(),
                                status,
                                range,
                                flags,
                                source,
                                received)));
    }

    @Provide
    Arbitrary<RawClinicalEvent> events() {
        return Combinators.combine(
                        text(),
                        Arbitraries.longs(),
                        text(),
                        Arbitraries.of(EventType.class).injectNull(0.2),
                        instants(),
                        text(),
                        Arbitraries.maps(
                                        Arbitraries.strings().ofMaxLength(8),
                                        Arbitraries.strings().ofMaxLength(8))
                                .ofMaxSize(3),
                        text())
                .as(Tuple::of)
                .flatMap(head -> Combinators.combine(text(), Arbitraries.of(true, false), text())
                        .as((product, retracted, source) -> new RawClinicalEvent(
                                head.get1(),
                                head.get2(),
                                head.get3(),
                                head.get4(),
                                head.get5(),
                                head.get6(),
                                head.get7(),
                                head.get8(),
                                product,
                                retracted,
                                source)));
    }
}
