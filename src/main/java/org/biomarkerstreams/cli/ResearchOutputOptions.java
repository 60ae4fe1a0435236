package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.biomarkerstreams.app.output.OutputFormat;
import org.biomarkerstreams.app.output.OutputRequest;
import org.biomarkerstreams.app.output.RecordSelection;
import org.biomarkerstreams.app.output.StudyMetadata;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.DateShift;
import org.biomarkerstreams.domain.Protocol;
import picocli.CommandLine.Option;

/**
 * How output files for research ({@code export}, {@code replay --out}) are written: format, all records or the latest,
 * and how they are de-identified further.
 */
final class ResearchOutputOptions {

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "ndjson",
            description = "ndjson (default: <topic>.ndjson, one JSON object per record), csv (<topic>.csv with a"
                    + " header row, nested fields flattened as visits.D7, strata.severity, logRank.pValue; curve"
                    + " steps in cohort-normalization-curves-steps.csv) or dataset-json (CDISC Dataset-JSON 1.1:"
                    + " adlb.json from the trajectory points and adtte.json from time to normalization, each the"
                    + " latest per key; the other topics as NDJSON).")
    String format = "ndjson";

    @Option(
            names = "--latest",
            description = "One record per key, the last, for the five latest-state topics (trajectory, summaries,"
                    + " time to normalization, cohort visits and curves), instead of every change in emit order. A"
                    + " tombstone or a retracted reading removes its key. Alerts and dead letters are events and"
                    + " are written whole.")
    boolean latest;

    @Option(
            names = "--date-shift-key-file",
            paramLabel = "FILE",
            description = "Shift every absolute time of a patient in the output files by the same whole number of"
                    + " days, from HMAC-SHA-256 with the key in FILE (at least 32 bytes; one trailing line break is"
                    + " ignored) of the patient as the records show it: within +-(--date-shift-max-days), never 0."
                    + " Keeps intervals, study days and hours since anchor; not calendar dates, season, weekday or"
                    + " alignment between patients. The dead-letter and the two cohort files are then written only"
                    + " when named in --topics, unshifted (dead letters hold the original bytes; a cohort record's"
                    + " updatedAt is a real input time). Default: none, real times.")
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

    /** The output format, checked before any work. */
    OutputFormat format() {
        return OutputFormat.parse(format);
    }

    /** Everything the output files need; reads the key file and the protocol, so call it before any work. */
    OutputRequest request(PipelineOptions pipeline, Clock clock) {
        Protocol protocol = pipeline.protocol();
        Map<String, String> names = new LinkedHashMap<>();
        for (AnalyteDefinition a : pipeline.protocolFile().profile().analytes()) {
            names.put(a.paramcd(), a.name());
        }
        String version = ResearchOutputOptions.class.getPackage().getImplementationVersion();
        StudyMetadata study = new StudyMetadata(
                protocol.name(),
                protocol.zone(),
                protocol.visits(),
                names,
                clock.instant(),
                version == null ? "development" : version);
        return new OutputRequest(
                format(), latest ? RecordSelection.LATEST_PER_KEY : RecordSelection.EVERY_CHANGE, dateShift(), study);
    }
}
