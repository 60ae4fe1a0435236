package org.biomarkerstreams.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Where an instant falls relative to the anchor: calendar days in the site's time zone in both
 * conventions, and exact hours.
 *
 * @param ady CDISC study day: anchor day = 1, the day before = -1, there is no day 0
 * @param pdy protocol day: anchor day = 0 (as seed 003 counts)
 * @param hoursSinceAnchor exact signed hours from the anchor instant
 */
public record StudyDay(int ady, int pdy, double hoursSinceAnchor) {

    private static final double MILLIS_PER_HOUR = 3_600_000.0;
    private static final long SECONDS_PER_DAY = 86_400;
    private static final long FIRST_DAY = LocalDate.MIN.toEpochDay();
    private static final long LAST_DAY = LocalDate.MAX.toEpochDay();

    /** Study day of {@code at} for a patient anchored at {@code anchor}, counted in {@code zone}. */
    public static StudyDay of(Instant anchor, Instant at, ZoneId zone) {
        int pdy = pdy(anchor, at, zone);
        return new StudyDay(adyFromPdy(pdy), pdy, Duration.between(anchor, at).toMillis() / MILLIS_PER_HOUR);
    }

    /** Protocol day (anchor day = 0) of {@code at}. */
    public static int pdy(Instant anchor, Instant at, ZoneId zone) {
        return Math.toIntExact(localEpochDay(at, zone) - localEpochDay(anchor, zone));
    }

    /**
     * {@code LocalDate.ofInstant(t, zone).toEpochDay()}, without the date in between (computing year, month and day
     * to count days again, twice per trajectory point); outside the dates a LocalDate holds it is that expression,
     * which throws as it did.
     */
    private static long localEpochDay(Instant t, ZoneId zone) {
        long localSecond = t.getEpochSecond() + zone.getRules().getOffset(t).getTotalSeconds();
        long day = Math.floorDiv(localSecond, SECONDS_PER_DAY);
        return day >= FIRST_DAY && day <= LAST_DAY
                ? day
                : LocalDate.ofInstant(t, zone).toEpochDay();
    }

    /** CDISC day from protocol day: day 0 becomes 1, negative days stay as they are. */
    public static int adyFromPdy(int pdy) {
        return pdy >= 0 ? pdy + 1 : pdy;
    }

    /** Protocol day from CDISC day (there is no ADY 0). */
    public static int pdyFromAdy(int ady) {
        if (ady == 0) {
            throw new IllegalArgumentException("ADY has no day 0");
        }
        return ady > 0 ? ady - 1 : ady;
    }

    /** First instant of protocol day {@code pdy} in {@code zone}. */
    public static Instant startOfPdy(Instant anchor, int pdy, ZoneId zone) {
        return LocalDate.ofInstant(anchor, zone)
                .plusDays(pdy)
                .atStartOfDay(zone)
                .toInstant();
    }
}
