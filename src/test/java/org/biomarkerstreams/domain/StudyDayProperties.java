package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

class StudyDayProperties {

    /** Zones with DST, offsets that are not whole hours, date-line moves, and UTC. */
    private static final List<String> ZONES = List.of(
            "UTC",
            "Asia/Shanghai",
            "Europe/Paris",
            "America/New_York",
            "America/Santiago",
            "America/Sao_Paulo",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "Asia/Kolkata",
            "Pacific/Apia",
            "Pacific/Kiritimati",
            "Pacific/Chatham",
            "Asia/Beirut",
            "Africa/Casablanca",
            "America/St_Johns");

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of(ZONES).map(ZoneId::of);
    }

    @Provide
    Arbitrary<Instant> anchors() {
        return Arbitraries.longs()
                .between(
                        Instant.parse("1990-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("2040-01-01T00:00:00Z").getEpochSecond())
                .map(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<Duration> offsets() {
        return Arbitraries.longs().between(-60L * 86_400_000, 60L * 86_400_000).map(Duration::ofMillis);
    }

    @Property
    void shouldGetTheProtocolDayBackWhenConvertedToCdiscAndBack(
            @ForAll @IntRange(min = -100_000, max = 100_000) int pdy) {
        int ady = StudyDay.adyFromPdy(pdy);

        assertThat(ady).isNotZero();
        assertThat(StudyDay.pdyFromAdy(ady)).isEqualTo(pdy);
    }

    @Property
    void shouldGetTheCdiscDayBackWhenConvertedToProtocolAndBack(
            @ForAll @IntRange(min = -100_000, max = 100_000) int ady) {
        Assume.that(ady != 0);

        assertThat(StudyDay.adyFromPdy(StudyDay.pdyFromAdy(ady))).isEqualTo(ady);
    }

    @Property
    void shouldStartOnThatProtocolDayWhenTheLocalDateExists(
            @ForAll("anchors") Instant anchor,
            @ForAll("zones") ZoneId zone,
            @ForAll @IntRange(min = -400, max = 400) int pdy) {
        LocalDate date = LocalDate.ofInstant(anchor, zone).plusDays(pdy);
        // a date can vanish entirely when a zone jumps over the date line (Apia, 30 December 2011)
        Assume.that(date.atStartOfDay(zone).toLocalDate().equals(date));

        Instant start = StudyDay.startOfPdy(anchor, pdy, zone);

        assertThat(StudyDay.pdy(anchor, start, zone)).isEqualTo(pdy);
        assertThat(StudyDay.pdy(anchor, start.minusNanos(1), zone)).isLessThan(pdy);
    }

    @Property
    void shouldNeverBeAdyZeroAndAgreeBetweenConventionsWhenComputed(
            @ForAll("anchors") Instant anchor, @ForAll("offsets") Duration offset, @ForAll("zones") ZoneId zone) {
        StudyDay day = StudyDay.of(anchor, anchor.plus(offset), zone);

        assertThat(day.ady()).isNotZero().isEqualTo(StudyDay.adyFromPdy(day.pdy()));
        assertThat(day.hoursSinceAnchor()).isEqualTo(offset.toMillis() / 3_600_000.0);
    }

    @Property
    void shouldNeverGoBackWhenTimeGoesForward(
            @ForAll("anchors") Instant anchor,
            @ForAll("offsets") Duration a,
            @ForAll("offsets") Duration b,
            @ForAll("zones") ZoneId zone) {
        Instant earlier = anchor.plus(a.compareTo(b) <= 0 ? a : b);
        Instant later = anchor.plus(a.compareTo(b) <= 0 ? b : a);

        assertThat(StudyDay.pdy(anchor, earlier, zone)).isLessThanOrEqualTo(StudyDay.pdy(anchor, later, zone));
    }

    @Property
    void shouldCountWholeUtcDaysWhenTheZoneIsUtc(
            @ForAll("anchors") Instant anchor, @ForAll("offsets") Duration offset) {
        Instant at = anchor.plus(offset);
        long expected = Math.floorDiv(at.getEpochSecond(), 86_400L) - Math.floorDiv(anchor.getEpochSecond(), 86_400L);

        assertThat(StudyDay.pdy(anchor, at, ZoneOffset.UTC)).isEqualTo((int) expected);
    }

    @Property(tries = 3000)
    void shouldCountWhatTheFormerImplementationCountedWhenAnyInstantsAreGiven(
            @ForAll("anyInstant") Instant anchor, @ForAll("anyInstant") Instant at, @ForAll("zones") ZoneId zone) {
        assertThat(outcome(() -> StudyDay.pdy(anchor, at, zone)))
                .isEqualTo(outcome(() -> Math.toIntExact(
                        ChronoUnit.DAYS.between(LocalDate.ofInstant(anchor, zone), LocalDate.ofInstant(at, zone)))));
    }

    /** Near our time mostly (every offset and DST rule), and any instant Instant holds, beyond LocalDate's years. */
    @Provide
    Arbitrary<Instant> anyInstant() {
        Arbitrary<Instant> near = Combinators.combine(
                        anchors(), offsets(), Arbitraries.integers().between(0, 999_999_999))
                .as((anchor, offset, nanos) -> anchor.plus(offset).plusNanos(nanos));
        Arbitrary<Instant> any = Arbitraries.longs()
                .between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond())
                .map(Instant::ofEpochSecond);
        return Arbitraries.frequencyOf(Tuple.of(8, near), Tuple.of(2, any));
    }

    /** The day count, or the exception's type. */
    private static Object outcome(java.util.function.IntSupplier pdy) {
        try {
            return pdy.getAsInt();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }
}
