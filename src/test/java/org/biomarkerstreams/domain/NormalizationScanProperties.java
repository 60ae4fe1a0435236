package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class NormalizationScanProperties {

    private static final Instant INFUSION = Instant.parse("2024-03-10T23:00:00Z");

    record Reading(Instant at, boolean normal) {}

    record Found(Instant eventAt, Instant confirmedAt) {}

    @Provide
    Arbitrary<List<Reading>> readings() {
        // whole hours over ten days so that equal instants and exact spans come up
        Arbitrary<Reading> reading = Combinators.combine(
                        Arbitraries.integers().between(1, 240), Arbitraries.of(true, true, false))
                .as((hour, normal) -> new Reading(INFUSION.plus(Duration.ofHours(hour)), normal));
        return reading.list().ofMaxSize(30).map(list -> list.stream()
                .sorted(Comparator.comparing(Reading::at))
                .toList());
    }

    @Provide
    Arbitrary<Confirmation> confirmations() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 3).map(Confirmation::consecutive),
                Arbitraries.integers().between(1, 72).map(h -> new Confirmation.NormalFor(Duration.ofHours(h))));
    }

    /** The first reading that completes a confirming run, looking at the whole history at once. */
    private static Found bruteForce(List<Reading> readings, Confirmation confirmation) {
        for (int end = 0; end < readings.size(); end++) {
            if (!readings.get(end).normal()) {
                continue;
            }
            int start = end;
            while (start > 0 && readings.get(start - 1).normal()) {
                start--;
            }
            int length = end - start + 1;
            Duration span =
                    Duration.between(readings.get(start).at(), readings.get(end).at());
            boolean confirmed = confirmation instanceof Confirmation.Consecutive c
                    ? length >= c.count()
                    : span.compareTo(((Confirmation.NormalFor) confirmation).span()) >= 0;
            if (confirmed) {
                return new Found(readings.get(start).at(), readings.get(end).at());
            }
        }
        return null;
    }

    private static NormalizationScan scan(List<Reading> readings, Confirmation confirmation) {
        NormalizationScan scan = NormalizationScan.EMPTY;
        for (Reading r : readings) {
            scan = scan.accept(r.at(), r.normal(), confirmation);
        }
        return scan;
    }

    @Property
    void shouldFindTheSameEventAsABruteForceSearchWhenFedInOrder(
            @ForAll("readings") List<Reading> readings, @ForAll("confirmations") Confirmation confirmation) {
        NormalizationScan scan = scan(readings, confirmation);
        Found expected = bruteForce(readings, confirmation);

        Found actual = scan.eventFound() ? new Found(scan.eventAt(), scan.confirmedAt()) : null;
        assertThat(actual).isEqualTo(expected);
    }

    @Property
    void shouldTrackTheLastReadingWhateverTheOutcome(
            @ForAll("readings") List<Reading> readings, @ForAll("confirmations") Confirmation confirmation) {
        NormalizationScan scan = scan(readings, confirmation);

        assertThat(scan.lastReadingAt())
                .isEqualTo(
                        readings.isEmpty()
                                ? null
                                : readings.get(readings.size() - 1).at());
    }

    @Property
    void shouldNotChangeTheEventWhenMoreReadingsFollowIt(
            @ForAll("readings") List<Reading> readings,
            @ForAll("readings") List<Reading> more,
            @ForAll("confirmations") Confirmation confirmation) {
        NormalizationScan first = scan(readings, confirmation);
        List<Reading> all = new ArrayList<>(readings);
        Instant last = first.lastReadingAt() == null ? INFUSION : first.lastReadingAt();
        for (Reading r : more) {
            all.add(new Reading(last.plus(Duration.between(INFUSION, r.at())), r.normal()));
        }

        NormalizationScan extended = scan(all, confirmation);

        if (first.eventFound()) {
            assertThat(extended.eventAt()).isEqualTo(first.eventAt());
            assertThat(extended.confirmedAt()).isEqualTo(first.confirmedAt());
        }
        assertThat(extended.eventFound()).isEqualTo(bruteForce(all, confirmation) != null);
    }
}
