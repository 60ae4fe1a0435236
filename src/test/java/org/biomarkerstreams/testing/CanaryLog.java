package org.biomarkerstreams.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Watches every log line of a test run for planted strings (canary patient ids, a secret): every logger at
 * DEBUG, each event checked as it happens (message with its arguments formatted, the raw arguments, MDC,
 * key-value pairs, logger and thread name, throwable with its causes and stack), and System.out and
 * System.err as well. Lines are checked, not kept: at DEBUG the in-process broker alone writes hundreds of
 * thousands. The console appenders are detached meanwhile, for the same reason.
 */
public final class CanaryLog implements AutoCloseable {

    private final List<String> canaries;
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong debugEvents = new AtomicLong();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Map<Logger, Level> levels = new HashMap<>();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final AppenderBase<ILoggingEvent> appender;
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private Level rootLevel;

    private CanaryLog(List<String> canaries) {
        this.canaries = List.copyOf(canaries);
        this.appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                events.incrementAndGet();
                if (event.getLevel().toInt() <= Level.DEBUG_INT) {
                    debugEvents.incrementAndGet();
                }
                check(render(event));
            }
        };
    }

    /** Starts watching for {@code canaries}; {@link #close()} puts the logging configuration back. */
    public static CanaryLog watch(List<String> canaries) {
        CanaryLog log = new CanaryLog(canaries);
        log.start();
        return log;
    }

    private void start() {
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null && logger != root) {
                levels.put(logger, logger.getLevel());
                logger.setLevel(null);
            }
        }
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        appender.setContext(context);
        appender.setName("canary-watch");
        appender.start();
        root.addAppender(appender);
        System.setOut(tee(out, "stdout"));
        System.setErr(tee(err, "stderr"));
    }

    private static String render(ILoggingEvent event) {
        StringBuilder s = new StringBuilder()
                .append(event.getLevel())
                .append(' ')
                .append(event.getLoggerName())
                .append(" [")
                .append(event.getThreadName())
                .append("] ")
                .append(event.getFormattedMessage());
        if (event.getArgumentArray() != null) {
            for (Object argument : event.getArgumentArray()) {
                s.append(" | ").append(argument);
            }
        }
        if (event.getMDCPropertyMap() != null && !event.getMDCPropertyMap().isEmpty()) {
            s.append(" mdc=").append(event.getMDCPropertyMap());
        }
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs()
                    .forEach(kv -> s.append(' ').append(kv.key).append('=').append(kv.value));
        }
        if (event.getThrowableProxy() != null) {
            s.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return s.toString();
    }

    private void check(String line) {
        for (String canary : canaries) {
            if (line.contains(canary)) {
                leaks.add(line.length() > 2000 ? line.substring(0, 2000) + "..." : line);
                return;
            }
        }
    }

    /** A stream that writes through to {@code target} and checks each line written. */
    private PrintStream tee(PrintStream target, String name) {
        OutputStream checking = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                target.write(b);
                if (b == '\n') {
                    check(name + ": " + line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }

            @Override
            public synchronized void flush() {
                target.flush();
                if (line.size() > 0) {
                    check(name + ": " + line.toString(StandardCharsets.UTF_8));
                }
            }
        };
        return new PrintStream(checking, true, StandardCharsets.UTF_8);
    }

    /** Lines that contained a canary, as rendered. */
    public List<String> leaks() {
        return List.copyOf(leaks);
    }

    /** Logging events seen (all levels), to show that the watch was on. */
    public long events() {
        return events.get();
    }

    /** Events at DEBUG or finer, to show that the levels were lowered. */
    public long debugEvents() {
        return debugEvents.get();
    }

    @Override
    public void close() {
        System.out.flush();
        System.err.flush();
        System.setOut(out);
        System.setErr(err);
        root.detachAppender(appender);
        appender.stop();
        detached.forEach(root::addAppender);
        root.setLevel(rootLevel);
        levels.forEach(Logger::setLevel);
    }
}
