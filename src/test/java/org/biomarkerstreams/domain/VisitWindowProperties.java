package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class VisitWindowProperties {

    private static final Instant INFUSION = Instant.parse("2024-03-10T23:00:00Z");

    record Candidate(int pdy, Instant at) {}

    @Provide
    Arbitrary<VisitWindow> windows() {
        return Combinators.combine(
                        Arbitraries.integers().between(-10, 40),
                        Arbitraries.integers().between(0, 8),
                        Arbitraries.integers().between(0, 8))
                .as((target, before, after) -> new VisitWindow("W", target, target - before, target + after));
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of("UTC", "Asia/Shanghai", "Europe/Paris", "America/Santiago", "Pacific/Chatham")
                .map(ZoneId::of);
    }

    @Provide
    Arbitrary<List<Integer>> minuteOffsets() {
        // coarse minutes so that equal instants and equal days come up often
        return Arbitraries.integers()
                .between(-15 * 24 * 4, 60 * 24 * 4)
                .map(quarters -> quarters * 15)
                .list()
                .ofMinSize(1)
                .ofMaxSize(25);
    }

    private static List<Candidate> candidatesIn(VisitWindow window, List<Integer> minutes, ZoneId zone) {
        List<Candidate> candidates = new ArrayList<>();
        for (int m : minutes) {
            Instant at = INFUSION.plus(Duration.ofMinutes(m));
            int pdy = StudyDay.pdy(INFUSION, at, zone);
            if (window.contains(pdy)) {
                candidates.add(new Candidate(pdy, at));
            }
        }
        return candidates;
    }

    private static Candidate pickByPrefers(VisitWindow window, List<Candidate> candidates) {
        Candidate current = null;
        for (Candidate c : candidates) {
            if (current == null || window.prefers(c.pdy(), c.at(), current.pdy(), current.at())) {
                current = c;
            }
        }
        return current;
    }

    private static Candidate bruteForceArgmin(VisitWindow window, List<Candidate> candidates) {
        Comparator<Candidate> key = Comparator.<Candidate>comparingInt(c -> Math.abs(c.pdy() - window.targetDay()))
                .thenComparing(Candidate::at, Comparator.reverseOrder());
        return candidates.stream().min(key).orElse(null);
    }

    @Property
    void shouldPickTheClosestThenLatestReadingWhenChoosingByPrefers(
            @ForAll("windows") VisitWindow window,
            @ForAll("minuteOffsets") List<Integer> minutes,
            @ForAll("zones") ZoneId zone) {
        List<Candidate> candidates = candidatesIn(window, minutes, zone);

        assertThat(pickByPrefers(window, candidates)).isEqualTo(bruteForceArgmin(window, candidates));
    }

    @Property
    void shouldPickTheSameReadingWhenCandidatesArriveInAnotherOrder(
            @ForAll("windows") VisitWindow window,
            @ForAll("minuteOffsets") List<Integer> minutes,
            @ForAll("zones") ZoneId zone,
            @ForAll long seed) {
        List<Candidate> candidates = candidatesIn(window, minutes, zone);
        List<Candidate> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, new Random(seed));

        assertThat(pickByPrefers(window, shuffled)).isEqualTo(pickByPrefers(window, candidates));
    }

    @Property
    void shouldOrderTwoReadingsOneWayOnlyWhenTheirKeysDiffer(
            @ForAll("windows") VisitWindow window,
            @ForAll @IntRange(min = -20, max = 60) int pdyA,
            @ForAll @IntRange(min = -20, max = 60) int pdyB,
            @ForAll @IntRange(min = 0, max = 3) int secondsA,
            @ForAll @IntRange(min = 0, max = 3) int secondsB) {
        Instant a = INFUSION.plusSeconds(secondsA);
        Instant b = INFUSION.plusSeconds(secondsB);
        boolean distinct = Math.abs(pdyA - window.targetDay()) != Math.abs(pdyB - window.targetDay()) || !a.equals(b);

        boolean aOverB = window.prefers(pdyA, a, pdyB, b);
        boolean bOverA = window.prefers(pdyB, b, pdyA, a);

        assertThat(aOverB && bOverA).as("never both ways").isFalse();
        assertThat(aOverB || bOverA).as("a strict order when the keys differ").isEqualTo(distinct);
    }

    @Property
    void shouldContainAnInstantsDayWhenTheInstantIsBetweenStartAndEnd(
            @ForAll("windows") VisitWindow window,
            @ForAll @IntRange(min = -20 * 24 * 60, max = 60 * 24 * 60) int minutes,
            @ForAll("zones") ZoneId zone) {
        Instant at = INFUSION.plus(Duration.ofMinutes(minutes));
        boolean between = !at.isBefore(window.start(INFUSION, zone)) && at.isBefore(window.end(INFUSION, zone));

        assertThat(window.contains(StudyDay.pdy(INFUSION, at, zone))).isEqualTo(between);
    }
}
