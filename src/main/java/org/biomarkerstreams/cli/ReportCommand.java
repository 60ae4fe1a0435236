package org.biomarkerstreams.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.biomarkerstreams.app.report.CohortRecords;
import org.biomarkerstreams.app.report.CohortReport;
import org.biomarkerstreams.app.report.CsvTable;
import org.biomarkerstreams.app.report.HtmlPage;
import org.biomarkerstreams.app.report.ReportLayout;
import org.biomarkerstreams.app.report.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the table a paper prints from the pipeline's cohort outputs: per arm (or strata value, as the",
            "protocol's table section lays it out) and analyte, each visit as median [Q1-Q3] (n/N), the time to",
            "normalization with its Kaplan-Meier median and 95% CI, and the log-rank test. It only lays out what the",
            "pipeline computed (topics cohort-visit-summaries and cohort-normalization-curves, the latest record per",
            "key): from the files of 'replay --out DIR' with --from DIR, else from the cluster's topics.",
            "--csv and --html write the same table as CSV and as a self-contained HTML page."
        })
final class ReportCommand extends ClusterCommand implements Callable<Integer> {

    @Option(
            names = "--from",
            paramLabel = "DIR",
            description = "Read the files that 'replay --out DIR' or 'export --out DIR' wrote instead of a cluster's"
                    + " topics: <topic>.ndjson, or <topic>.csv (--format csv) when there are no NDJSON files.")
    Path from;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the table as CSV (UTF-8) to FILE.")
    Path csv;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "Also write the table as one HTML page (inline CSS, no external assets) to FILE.")
    Path html;

    @Override
    public Integer call() throws Exception {
        // Checked before reading anything: a long read must not end in a file that cannot be written.
        if (csv != null) {
            writable("--csv", csv);
        }
        if (html != null) {
            writable("--html", html);
        }
        var file = pipeline.protocolFile();
        ReportLayout layout = ReportLayout.of(file, pipeline.protocol());
        String source;
        CohortRecords all;
        if (from != null) {
            source = from.toString();
            all = CohortRecords.fromFiles(from, pipeline.topics());
        } else {
            String bootstrap = kafka.requireBootstrapServers();
            kafka.probe();
            source = "the topics of " + bootstrap;
            all = CohortRecords.fromCluster(kafka.clientProperties(), bootstrap, kafka.serdes(), pipeline.topics());
        }
        CohortRecords records = all.ofProtocol(layout.protocolName(), source);
        CohortReport report = CohortReport.of(layout, records.visits(), records.curves());
        PrintWriter out = out();
        out.print(TextTable.render(report));
        int others = all.otherThan(layout.protocolName());
        if (others > 0) {
            out.printf("(%d record(s) of another protocol left out.)%n", others);
        }
        if (csv != null) {
            Files.writeString(csv, CsvTable.render(report), StandardCharsets.UTF_8);
            out.printf("CSV: %s%n", csv);
        }
        if (html != null) {
            Files.writeString(html, HtmlPage.render(report), StandardCharsets.UTF_8);
            out.printf("HTML: %s%n", html);
        }
        out.flush();
        return 0;
    }

    private static void writable(String option, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot create the directory " + dir);
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": is a directory, give a file name");
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            throw new IllegalArgumentException(option + " " + file + ": cannot be written");
        }
    }
}
