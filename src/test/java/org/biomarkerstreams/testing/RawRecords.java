package org.biomarkerstreams.testing;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

/** jqwik generators of raw input records, shared by the round-trip properties of every input format. */
public final class RawRecords {

    private RawRecords() {}

    /** Any reading whose text fields come from {@code text} and times from {@code instants}. */
    public static Arbitrary<RawReading> readings(Arbitrary<String> text, Arbitrary<Instant> instants) {
        return Combinators.combine(text, Arbitraries.longs(), text, text, text, text, text, instants)
                .as(Tuple::of)
                .flatMap(head -> Combinators.combine(Arbitraries.of(ResultStatus.class), text, text, text, instants)
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

    /** Any event whose text fields come from {@code text} and times from {@code instants}. */
    public static Arbitrary<RawClinicalEvent> events(Arbitrary<String> text, Arbitrary<Instant> instants) {
        return Combinators.combine(
                        text,
                        Arbitraries.longs(),
                        text,
                        Arbitraries.of(EventType.class).injectNull(0.2),
                        instants,
                        text,
                        Arbitraries.maps(
                                        Arbitraries.strings().ofMaxLength(8),
                                        Arbitraries.strings().ofMaxLength(8))
                                .ofMaxSize(3),
                        text)
                .as(Tuple::of)
                .flatMap(head -> Combinators.combine(text, Arbitraries.of(true, false), text)
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
