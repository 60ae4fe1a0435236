package org.biomarkerstreams.api.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Limits failed authentications per client (its IP address): a client with {@code failuresPerMinute}
 * failures within the last minute is blocked until the oldest of them is a minute old. Guessing tokens
 * or walking patient ids with a stolen-then-revoked token thus costs a minute per few tries.
 *
 * <p>Memory is bounded: at most {@code maxClients} clients are remembered (the least recently seen is
 * forgotten first), each with at most {@code failuresPerMinute} times. Thread-safe.
 */
public final class FailureLimiter {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private final int failuresPerMinute;
    private final Clock clock;
    private final Map<String, ArrayDeque<Instant>> failures;

    public FailureLimiter(int failuresPerMinute, int maxClients, Clock clock) {
        if (failuresPerMinute < 1) {
            throw new IllegalArgumentException("failures per minute must be at least 1, not " + failuresPerMinute);
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("max clients must be at least 1, not " + maxClients);
        }
        this.failuresPerMinute = failuresPerMinute;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failures = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Instant>> eldest) {
                return size() > maxClients;
            }
        };
    }

    /** Whether the client has used up its failures for now. Asking does not count as a failure. */
    public synchronized boolean blocked(String clientKey) {
        return !retryAfter(clientKey).isZero();
    }

    /** How long until the client is no longer blocked: zero when it is not (the HTTP Retry-After). */
    public synchronized Duration retryAfter(String clientKey) {
        ArrayDeque<Instant> times = failures.get(clientKey);
        if (times == null) {
            return Duration.ZERO;
        }
        Instant now = clock.instant();
        forgetOld(times, now);
        if (times.isEmpty()) {
            failures.remove(clientKey);
            return Duration.ZERO;
        }
        if (times.size() < failuresPerMinute) {
            return Duration.ZERO;
        }
        return Duration.between(now, times.peekFirst().plus(WINDOW));
    }

    /** Counts one failed authentication of the client. */
    public synchronized void failed(String clientKey) {
        Instant now = clock.instant();
        ArrayDeque<Instant> times = failures.computeIfAbsent(clientKey, key -> new ArrayDeque<>());
        forgetOld(times, now);
        if (times.size() == failuresPerMinute) {
            // Only the newest failuresPerMinute times can decide a block.
            times.pollFirst();
        }
        times.addLast(now);
    }

    /** How many clients are remembered (for a gauge). */
    public synchronized int clients() {
        return failures.size();
    }

    private static void forgetOld(ArrayDeque<Instant> times, Instant now) {
        Instant horizon = now.minus(WINDOW);
        while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
            times.pollFirst();
        }
    }
}
