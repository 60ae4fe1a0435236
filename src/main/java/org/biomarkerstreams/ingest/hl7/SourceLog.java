package org.biomarkerstreams.ingest.hl7;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warnings about what happens at the door (refused sources, failed handshakes, evictions), at most one a minute per
 * key, so that a scan or a flood cannot fill the log. Bounded: the keys are forgotten when there are too many.
 */
final class SourceLog {

    private static final Logger log = LoggerFactory.getLogger(MllpListener.class);
    private static final long QUIET_NANOS = 60_000_000_000L;
    private static final int MAX_KEYS = 4096;

    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    void warn(String key, String format, Object... arguments) {
        long now = System.nanoTime();
        Long last = lastLogged.get(key);
        if (last != null && now - last < QUIET_NANOS) {
            return;
        }
        if (lastLogged.size() >= MAX_KEYS) {
            lastLogged.clear();
        }
        lastLogged.put(key, now);
        log.warn(format + " (at most once a minute)", arguments);
    }
}
