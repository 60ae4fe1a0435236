package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.biomarkerstreams.testing.CanaryLog;

/**
 * The suite's PHI check: every patient id of a run is a canary ({@link ReliabilityFeed#CANARY}); no log
 * line may contain one — neither in this JVM (every logger at DEBUG, System.out and System.err, through
 * {@link CanaryLog}) nor in the output of any instance the run started.
 */
public final class CanaryWatch implements AutoCloseable {

    private final ReliabilityRun run;
    private final CanaryLog inProcess;

    private CanaryWatch(ReliabilityRun run, CanaryLog inProcess) {
        this.run = run;
        this.inProcess = inProcess;
    }

    public static CanaryWatch start(ReliabilityRun run) {
        return new CanaryWatch(run, CanaryLog.watch(List.of("CANARY" + run.id())));
    }

    /** Fails naming the file and line number (never the line: it holds the patient id). */
    public void assertNoLeaks() throws IOException {
        assertThat(inProcess.leaks().size())
                .as("log lines of the test JVM with a canary patient id")
                .isZero();
        assertThat(inProcess.events())
                .as("the watch saw the test JVM's logging")
                .isPositive();
        List<String> leaks = new ArrayList<>();
        long lines = 0;
        try (Stream<Path> files = Files.list(run.logs())) {
            for (Path f : files.sorted().toList()) {
                List<String> content = Files.readAllLines(f);
                lines += content.size();
                for (int i = 0; i < content.size(); i++) {
                    Matcher m = ReliabilityFeed.CANARY.matcher(content.get(i));
                    if (m.find()) {
                        leaks.add(f.getFileName() + ":" + (i + 1));
                    }
                }
            }
        }
        assertThat(lines).as("lines of instance output searched").isPositive();
        assertThat(leaks).as("instance log lines with a canary patient id").isEmpty();
    }

    @Override
    public void close() {
        inProcess.close();
    }
}
