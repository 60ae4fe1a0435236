package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NormalizationScanTest {

    private static final Instant INFUSION = Instant.parse("2024-03-10T23:00:00Z");
    private static final Confirmation ONE = Confirmation.consecutive(1);
    private static final Confirmation TWO = Confirmation.consecutive(2);
    private static final Confirmation FOR_48H = new Confirmation.NormalFor(Duration.ofHours(48));

    private static Instant hours(long h) {
        return INFUSION.plus(Duration.ofHours(h));
    }

    private static NormalizationScan feed(Confirmation confirmation, Object... timeAndNormal) {
        NormalizationScan scan = NormalizationScan.EMPTY;
        for (int i = 0; i < timeAndNormal.length; i += 2) {
            scan = scan.accept((Instant) timeAndNormal[i], (Boolean) timeAndNormal[i + 1], confirmation);
        }
        return scan;
    }

    @Test
    void shouldFindNothingWhenEmpty() {
        assertThat(NormalizationScan.EMPTY.eventFound()).isFalse();
        assertThat(NormalizationScan.EMPTY.lastReadingAt()).isNull();
    }

    @Test
    void shouldFindTheFirstNormalReadingWhenOneConfirmationIsEnough() {
        NormalizationScan scan = feed(ONE, hours(12), false, hours(36), true, hours(60), true);

        assertThat(scan.eventFound()).isTrue();
        assertThat(scan.eventAt()).isEqualTo(hours(36));
        assertThat(scan.confirmedAt()).isEqualTo(hours(36));
    }

    @Test
    void shouldNotFindAnEventWhenAllReadingsAreAbnormal() {
        NormalizationScan scan = feed(ONE, hours(12), false, hours(36), false);

        assertThat(scan.eventFound()).isFalse();
        assertThat(scan.runStart()).isNull();
        assertThat(scan.runCount()).isZero();
        assertThat(scan.lastReadingAt()).isEqualTo(hours(36));
    }

    @Test
    void shouldDateTheEventAtTheRunStartWhenTwoConfirmationsAreNeeded() {
        NormalizationScan scan = feed(TWO, hours(12), true, hours(36), true);

        assertThat(scan.eventAt()).isEqualTo(hours(12));
        assertThat(scan.confirmedAt()).isEqualTo(hours(36));
    }

    @Test
    void shouldWaitForTheSecondReadingWhenTwoConfirmationsAreNeeded() {
        NormalizationScan scan = feed(TWO, hours(12), true);

        assertThat(scan.eventFound()).isFalse();
        assertThat(scan.runStart()).isEqualTo(hours(12));
        assertThat(scan.runCount()).isEqualTo(1);
    }

    @Test
    void shouldRestartTheRunWhenAnAbnormalReadingInterrupts() {
        NormalizationScan scan = feed(TWO, hours(12), true, hours(24), false, hours(36), true);

        assertThat(scan.eventFound()).isFalse();
        assertThat(scan.runStart()).isEqualTo(hours(36));

        NormalizationScan confirmed = scan.accept(hours(48), true, TWO);
        assertThat(confirmed.eventAt()).isEqualTo(hours(36));
        assertThat(confirmed.confirmedAt()).isEqualTo(hours(48));
    }

    @Test
    void shouldConfirmASpanWhenANormalReadingComesAtLeastThatLongAfterTheRunStart() {
        NormalizationScan scan = feed(FOR_48H, hours(10), true, hours(30), true, hours(58), true);

        assertThat(scan.eventAt()).isEqualTo(hours(10));
        assertThat(scan.confirmedAt()).isEqualTo(hours(58));
    }

    @Test
    void shouldNotConfirmASpanWhenTheLastNormalReadingIsJustShortOfIt() {
        NormalizationScan scan = feed(FOR_48H, hours(10), true, hours(58).minusMillis(1), true);

        assertThat(scan.eventFound()).isFalse();
        assertThat(scan.runCount()).isEqualTo(2);
    }

    @Test
    void shouldNotConfirmASpanWhenOnlyOneReadingWhateverTheWait() {
        NormalizationScan scan = feed(FOR_48H, hours(10), true);

        assertThat(scan.eventFound()).isFalse();
    }

    @Test
    void shouldRestartTheSpanWhenAnAbnormalReadingInterrupts() {
        NormalizationScan scan = feed(FOR_48H, hours(10), true, hours(40), false, hours(50), true, hours(60), true);

        assertThat(scan.eventFound()).isFalse();
        assertThat(scan.runStart()).isEqualTo(hours(50));

        NormalizationScan confirmed = scan.accept(hours(98), true, FOR_48H);
        assertThat(confirmed.eventAt()).isEqualTo(hours(50));
        assertThat(confirmed.confirmedAt()).isEqualTo(hours(98));
    }

    @Test
    void shouldThrowWhenAReadingIsFedOutOfOrder() {
        NormalizationScan scan = feed(ONE, hours(36), false);

        assertThatThrownBy(() -> scan.accept(hours(12), true, ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("time order");
    }

    @Test
    void shouldAcceptAReadingWhenAtTheSameInstantAsTheLastOne() {
        NormalizationScan scan = feed(TWO, hours(36), true, hours(36), true);

        assertThat(scan.eventAt()).isEqualTo(hours(36));
    }

    @Test
    void shouldOnlyMoveTheLastReadingWhenFedAfterTheEvent() {
        NormalizationScan event = feed(TWO, hours(12), true, hours(36), true);

        NormalizationScan later = event.accept(hours(60), false, TWO).accept(hours(84), true, TWO);

        assertThat(later)
                .isEqualTo(new NormalizationScan(
                        event.runStart(), event.runCount(), hours(84), event.eventAt(), event.confirmedAt()));
    }

    @Test
    void shouldStillRejectOutOfOrderReadingsWhenTheEventIsFound() {
        NormalizationScan event = feed(ONE, hours(36), true);

        assertThatThrownBy(() -> event.accept(hours(12), true, ONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldLeaveTheOriginalUnchangedWhenFed() {
        NormalizationScan before = feed(TWO, hours(12), true);

        before.accept(hours(36), true, TWO);

        assertThat(before.eventFound()).isFalse();
        assertThat(before.lastReadingAt()).isEqualTo(hours(12));
    }
}
