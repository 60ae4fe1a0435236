package org.biomarkerstreams.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.biomarkerstreams.demo.CohortSpec;
import org.biomarkerstreams.demo.SyntheticCohort;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.ingest.NdjsonEvents;
import org.biomarkerstreams.ingest.NdjsonReadings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the demo's synthetic cohort (shaped like seed 000, MSC:control 12:29) as NDJSON files that",
            "'replay' reads: DIR/readings.ndjson and DIR/events.ndjson."
        })
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--patients", defaultValue = "41", description = "Cohort size (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--seed", defaultValue = "20200214", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the two files.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.scaled(patients, seed));
        Files.createDirectories(out);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("readings.ndjson"), StandardCharsets.UTF_8)) {
            for (RawReading r : cohort.readings()) {
                w.write(NdjsonReadings.toJson(r));
                w.write('\n');
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("events.ndjson"), StandardCharsets.UTF_8)) {
            for (RawClinicalEvent e : cohort.events()) {
                w.write(NdjsonEvents.toJson(e));
                w.write('\n');
            }
        }
        PrintWriter report = spec.commandLine().getOut();
        report.printf(
                "Wrote %d readings and %d events of %d patients to %s%n",
                cohort.readings().size(), cohort.events().size(), patients, out);
        report.flush();
        return 0;
    }
}
