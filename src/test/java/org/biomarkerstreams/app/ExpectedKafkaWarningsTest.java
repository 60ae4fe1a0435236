package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URL;
import java.util.List;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The application's own {@code logback.xml}, loaded into a logging context of its own: the Kafka lines it lists as
 * expected arrive at INFO on {@code expected.<logger>}, and every other line of the same loggers keeps its level.
 */
class ExpectedKafkaWarningsTest {

    private static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    private static final String PRODUCE_RETRY = "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1]"
            + " Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left)."
            + " Error: {}";
    private static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";
    private static final String STATE_DIRECTORY = "org.apache.kafka.streams.processor.internals.StateDirectory";
    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    @BeforeEach
    void loadTheApplicationsLogbackXml() throws Exception {
        URL config = ExpectedKafkaWarnings.class.getResource("/logback.xml");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        seen.setContext(context);
        seen.start();
        root.addAppender(seen);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void shouldMoveProduceRetryOnConcurrentTransactionsToInfoWhenLoggedAtWarn() {
        logger(SENDER).warn(PRODUCE_RETRY, 39, "trajectory-0", 2147483646, Errors.CONCURRENT_TRANSACTIONS);

        assertThat(lines())
                .containsExactly("INFO expected." + SENDER + " "
                        + "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1] Got error produce"
                        + " response with correlation id 39 on topic-partition trajectory-0, retrying (2147483646"
                        + " attempts left). Error: CONCURRENT_TRANSACTIONS");
    }

    @Test
    void shouldKeepWarnWhenTheSameLoggerRetriesForAnotherReason() {
        logger(SENDER).warn(PRODUCE_RETRY, 40, "trajectory-0", 2147483646, Errors.NOT_ENOUGH_REPLICAS);
        logger(SENDER)
                .warn(
                        "Received unknown topic or partition error in produce request on partition {}. The"
                                + " topic-partition may not exist or the user may not have Describe access to it",
                        "trajectory-0");

        assertThat(lines()).hasSize(2).allMatch(line -> line.startsWith("WARN " + SENDER + " "));
    }

    @Test
    void shouldMoveTheBrokersRetriableSequenceRejectionButKeepOtherSequenceErrors() {
        logger(REPLICA_MANAGER)
                .error(
                        "[ReplicaManager broker=1] Error processing append operation on partition t:trajectory-0",
                        new OutOfOrderSequenceException("Invalid sequence number for producer 3 at offset 10 in"
                                + " partition trajectory-0: 2 (incoming seq. number). Expected sequence 0 for"
                                + " transactions v2 idempotent producer with no existing state."));
        logger(REPLICA_MANAGER)
                .error(
                        "[ReplicaManager broker=1] Error processing append operation on partition t:trajectory-0",
                        new OutOfOrderSequenceException("Out of order sequence number for producer 3 at offset 10"
                                + " in partition trajectory-0: 7 (incoming seq. number), 4 (current end sequence"
                                + " number)"));

        assertThat(lines())
                .satisfiesExactly(
                        moved -> assertThat(moved).startsWith("INFO expected." + REPLICA_MANAGER + " "),
                        kept -> assertThat(kept).startsWith("ERROR " + REPLICA_MANAGER + " "));
        assertThat(seen.list.get(0).getThrowableProxy().getMessage()).contains("Expected sequence 0");
    }

    @Test
    void shouldMoveTheTempStateDirWarningOnlyForTheEmbeddedPipelinesOwnDirectory() {
        String warning = "Using an OS temp directory in the state.dir property can cause failures with writing the"
                + " checkpoint file due to the fact that this directory can be cleared by the OS. Resolved"
                + " state.dir: [{}]";
        logger(STATE_DIRECTORY).warn(warning, "/tmp/biomarker-streams-state1234");
        logger(STATE_DIRECTORY).warn(warning, "/tmp/my-state");

        assertThat(lines())
                .satisfiesExactly(
                        moved -> assertThat(moved).startsWith("INFO expected." + STATE_DIRECTORY),
                        kept -> assertThat(kept).startsWith("WARN " + STATE_DIRECTORY));
    }

    @Test
    void shouldKeepAnUnreachableBrokerAtWarn() {
        logger(NETWORK_CLIENT)
                .warn("[AdminClient clientId=adminclient-1] Connection to node -1 (/127.0.0.1:1) could not be"
                        + " established. Node may not be available.");

        assertThat(lines()).singleElement().asString().startsWith("WARN " + NETWORK_CLIENT);
    }

    @Test
    void shouldHideTheMovedLinesWhenTheExpectedLoggerIsSetToWarn() {
        context.getLogger(ExpectedKafkaWarnings.LOGGER_PREFIX).setLevel(ch.qos.logback.classic.Level.WARN);

        logger(SENDER).warn(PRODUCE_RETRY, 39, "trajectory-0", 2147483646, Errors.CONCURRENT_TRANSACTIONS);

        assertThat(lines()).isEmpty();
    }

    @Test
    void shouldRefuseAnEntryWithoutText() {
        ExpectedKafkaWarnings filter = new ExpectedKafkaWarnings();

        assertThatThrownBy(() -> filter.addExpected(SENDER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logger | text");
    }

    private Logger logger(String name) {
        return context.getLogger(name);
    }

    private List<String> lines() {
        return seen.list.stream()
                .map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage())
                .toList();
    }
}
