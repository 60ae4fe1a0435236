package org.biomarkerstreams.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The watch itself: a canary anywhere in a line, at any level, is found; the configuration comes back. */
class CanaryLogTest {

    private static final Logger log = LoggerFactory.getLogger("org.apache.kafka.some.Client");
    private static final String CANARY = "CANARY-test-0001";

    @Test
    void shouldFindACanaryInArgumentsMdcThrowablesAndPrintsAtEveryLevel() {
        List<String> leaks;
        try (CanaryLog watch = CanaryLog.watch(List.of(CANARY))) {
            log.debug("fetched {}", CANARY);
            log.trace("not recorded: below DEBUG");
            MDC.put("patient", CANARY);
            log.warn("no id in the message");
            MDC.remove("patient");
            log.error("failed", new IllegalStateException("wrapped", new RuntimeException("id " + CANARY)));
            log.info("clean line");
            System.out.println("printed " + CANARY);
            leaks = watch.leaks();
        }
        assertThat(leaks).hasSize(4);
        assertThat(log.isDebugEnabled()).as("levels restored").isFalse();
    }
}
