package org.biomarkerstreams.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LocationAwareLogger;

/**
 * Moves warnings and errors that Kafka's clients and its in-process broker log during their normal operation
 * (a retry they are about to make, a race they resolve themselves) to INFO, on a logger of their own: {@code
 * expected.} followed by the logger that wrote them ({@code expected.org.apache.kafka.clients.NetworkClient}). So
 * WARN and ERROR lines keep meaning that something needs a look, and the moved lines are still there at INFO (the
 * {@code expected} logger's level in {@code logback.xml}).
 *
 * <p>Only the lines {@code logback.xml} lists are moved, each by its logger's exact name and text it contains;
 * every other line of those loggers keeps its level. Each entry there says why the line is benign.
 *
 * <pre>{@code
 * <turboFilter class="org.biomarkerstreams.app.ExpectedKafkaWarnings">
 *   <expected>org.apache.kafka.clients.NetworkClient | reported a recoverable issue</expected>
 * </turboFilter>
 * }</pre>
 */
public final class ExpectedKafkaWarnings extends TurboFilter {

    /** The logger the moved lines are written to is this, a dot, and the logger that wrote them. */
    public static final String LOGGER_PREFIX = "expected";

    private static final String SEPARATOR = "\\s*\\|\\s*";

    /**
     * A line that is expected: written by exactly this logger, and containing every one of these texts (in the
     * message with its arguments, or in the message of the exception logged with it).
     */
    record Expected(String logger, List<String> texts) {
        Expected {
            if (logger.isBlank() || texts.isEmpty() || texts.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("an expected line needs 'logger | text [| text…]', got logger '"
                        + logger + "' and texts " + texts);
            }
            texts = List.copyOf(texts);
        }

        static Expected parse(String entry) {
            List<String> parts = Arrays.asList(entry.strip().split(SEPARATOR));
            return new Expected(parts.get(0), parts.subList(1, parts.size()));
        }

        boolean matches(String message, Throwable thrown) {
            for (String text : texts) {
                if (!message.contains(text) && !inMessages(thrown, text)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean inMessages(Throwable thrown, String text) {
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (t.getMessage() != null && t.getMessage().contains(text)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final List<Expected> expected = new CopyOnWriteArrayList<>();

    /** Adds one expected line as {@code logger | text [| text…]}; called by logback for each {@code <expected>}. */
    public void addExpected(String entry) {
        expected.add(Expected.parse(entry));
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // Runs for every log call, most of them below WARN: that check comes first.
        if (level == null || level.toInt() < Level.WARN_INT || format == null || !isStarted()) {
            return FilterReply.NEUTRAL;
        }
        String name = logger.getName();
        String message = null;
        for (Expected line : expected) {
            if (!line.logger().equals(name)) {
                continue;
            }
            if (message == null) {
                message = MessageFormatter.arrayFormat(format, params).getMessage();
            }
            if (line.matches(message, t != null ? t : MessageFormatter.getThrowableCandidate(params))) {
                logger.getLoggerContext()
                        .getLogger(LOGGER_PREFIX + "." + name)
                        .log(
                                marker,
                                ExpectedKafkaWarnings.class.getName(),
                                LocationAwareLogger.INFO_INT,
                                format,
                                params,
                                t);
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
