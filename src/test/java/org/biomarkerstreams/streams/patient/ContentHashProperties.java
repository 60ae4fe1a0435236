package org.biomarkerstreams.streams.patient;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Content hashes are stored (the reading index, the patients' events): the text {@link ContentHash} hashes an instant
 * as must be {@link Instant#toString()}, its former implementation, for every instant.
 */
class ContentHashProperties {

    @Property(tries = 5000)
    void shouldWriteWhatInstantToStringWritesWhenTheInstantIsNearOurTime(@ForAll("nearOurTime") Instant t) {
        assertThat(ContentHash.text(t)).isEqualTo(t.toString());
    }

    @Property(tries = 2000)
    void shouldWriteWhatInstantToStringWritesWhenTheInstantIsAnyInstant(@ForAll("anyInstant") Instant t) {
        assertThat(ContentHash.text(t)).isEqualTo(t.toString());
    }

    /** 1900 to 2100, with no fraction, milliseconds, microseconds or nanoseconds, and the edges of each. */
    @Provide
    Arbitrary<Instant> nearOurTime() {
        Arbitrary<Long> seconds = Arbitraries.longs().between(-2_208_988_800L, 4_102_444_800L);
        Arbitrary<Integer> nanos = Arbitraries.oneOf(
                Arbitraries.just(0),
                Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
                Arbitraries.integers().between(0, 999_999_999),
                Arbitraries.of(1, 10, 100, 1_000, 10_000, 100_000, 999_999_999, 1_000_000, 999_000_000));
        return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<Instant> anyInstant() {
        return Combinators.combine(
                        Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond)
                .edgeCases(c -> c.add(
                        Instant.EPOCH,
                        Instant.MIN,
                        Instant.MAX,
                        Instant.parse("0000-01-01T00:00:00Z"),
                        Instant.parse("9999-12-31T23:59:59.999999999Z"),
                        Instant.parse("-0001-12-31T23:59:59Z")));
    }
}
