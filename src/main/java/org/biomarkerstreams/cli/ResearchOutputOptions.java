package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.util.Arrays;
import org.biomarkerstreams.domain.DateShift;
import picocli.CommandLine.Option;

/** How output files for research ({@code export}, {@code replay --out}) are de-identified further. */
final class ResearchOutputOptions {

    @Option(
            names = "--date-shift-key-file",
            paramLabel = "FILE",
            description = "Shift every absolute time of a patient in the output files by the same whole number of"
                    + " days, from HMAC-SHA-256 with the key in FILE (at least 32 bytes; one trailing line break is"
                    + " ignored) of the patient as the records show it: within +-(--date-shift-max-days), never 0."
                    + " Keeps intervals, study days and hours since anchor; not calendar dates, season, weekday or"
                    + " alignment between patients. The dead-letter file is then written only when named in"
                    + " --topics, unshifted. Default: none, real times.")
    Path dateShiftKeyFile;

    @Option(
            names = "--date-shift-max-days",
            paramLabel = "DAYS",
            defaultValue = "180",
            description = "The largest shift either way, 1 to 3650 days (default: ${DEFAULT-VALUE}).")
    int dateShiftMaxDays = DateShift.DEFAULT_MAX_DAYS;

    /** The shift of {@code --date-shift-key-file}, or {@link DateShift#none()}; messages never show the key. */
    DateShift dateShift() {
        if (dateShiftKeyFile == null) {
            return DateShift.none();
        }
        byte[] trimmed = KeyFile.read("--date-shift-key-file", dateShiftKeyFile);
        try {
            return DateShift.withKey(trimmed, dateShiftMaxDays);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--date-shift-key-file " + dateShiftKeyFile + " / --date-shift-max-days: " + e.getMessage()
                            + " (make a key with: openssl rand -base64 48 > FILE)");
        } finally {
            Arrays.fill(trimmed, (byte) 0);
        }
    }
}
