package org.biomarkerstreams.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM while open, at {@code level} and above for every logger (the configured per-logger
 * levels are lifted for the time being and restored on close), held by a logback {@link ListAppender} on the root
 * logger.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.atLevel(Level.DEBUG)) {
 *     ... start something with a secret ...
 *     assertThat(logs.linesContaining(secret)).isEmpty();
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

    private final LoggerContext context;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<Logger, Level> savedLevels = new LinkedHashMap<>();

    private LogCapture(Level level, Map<String, Level> exceptions) {
        context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                savedLevels.put(logger, logger.getLevel());
                logger.setLevel(logger.getName().equals(Logger.ROOT_LOGGER_NAME) ? level : null);
            }
        }
        exceptions.forEach((name, exceptionLevel) -> {
            Logger logger = context.getLogger(name);
            savedLevels.putIfAbsent(logger, logger.getLevel());
            logger.setLevel(exceptionLevel);
        });
        appender.setContext(context);
        appender.setName("log-capture");
        appender.start();
        root().addAppender(appender);
    }

    /** Starts capturing; loggers log at {@code level} and above until {@link #close()}. */
    public static LogCapture atLevel(Level level) {
        return new LogCapture(level, Map.of());
    }

    /**
     * As {@link #atLevel(Level)}, with other levels for some loggers (and their children): an in-process broker's
     * own loggers at DEBUG would log every request.
     */
    public static LogCapture atLevel(Level level, Map<String, Level> exceptions) {
        return new LogCapture(level, exceptions);
    }

    /**
     * Each captured event as one text: logger, level, formatted message, and the class and message of every
     * throwable in its cause chain (stack frames name no values).
     */
    public List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) { // logback appends under this lock
            events = new ArrayList<>(appender.list);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : events) {
            StringBuilder line = new StringBuilder()
                    .append(event.getLoggerName())
                    .append(' ')
                    .append(event.getLevel())
                    .append(' ')
                    .append(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
                for (IThrowableProxy suppressed : t.getSuppressed()) {
                    line.append(" | suppressed ")
                            .append(suppressed.getClassName())
                            .append(": ")
                            .append(suppressed.getMessage());
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** The captured lines that contain {@code text}. */
    public List<String> linesContaining(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        root().detachAppender(appender);
        appender.stop();
        for (Logger logger : context.getLoggerList()) {
            if (savedLevels.containsKey(logger) || !logger.getName().equals(Logger.ROOT_LOGGER_NAME)) {
                logger.setLevel(savedLevels.get(logger));
            }
        }
    }

    private Logger root() {
        return context.getLogger(Logger.ROOT_LOGGER_NAME);
    }
}
