package org.biomarkerstreams.api;

import java.util.List;
import java.util.Objects;
import org.biomarkerstreams.domain.Protocol;

/**
 * What the dashboard says about the study besides its rules: the protocol file's title and citation, the arms it
 * declares (every one, with data or not), and how its day numbers are written. The rules themselves (visits,
 * follow-up, quartile definition) come from the {@link Protocol} the topology runs with.
 *
 * @param title the trial's title
 * @param citation where it is published; empty when unknown
 * @param days how day numbers are written: visits and day axes are shown in this convention
 * @param arms the protocol's arms in the file's order (true labels; blinded answers show neutral codes)
 */
public record Study(String title, String citation, DayNumbers days, List<String> arms) {

    /** How a protocol numbers its days. */
    public enum DayNumbers {
        /** Protocol day: infusion day = 0. */
        PDY,
        /** CDISC study day: infusion day = 1, the day before = −1, no day 0. */
        ADY
    }

    public Study {
        Objects.requireNonNull(title, "title");
        citation = Objects.requireNonNullElse(citation, "");
        Objects.requireNonNull(days, "days");
        arms = List.copyOf(arms);
    }

    /** A study known only by its rules: the protocol's name as title, protocol days, the blinded arms if any. */
    public static Study of(Protocol rules) {
        return new Study(rules.name(), "", DayNumbers.PDY, rules.blinding().arms());
    }
}
