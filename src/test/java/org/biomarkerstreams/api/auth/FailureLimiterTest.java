package org.biomarkerstreams.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FailureLimiterTest {

    private static final String CLIENT = "203.0.113.7";
    private static final String OTHER = "198.51.100.2";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));
    private final FailureLimiter limiter = new FailureLimiter(3, 100, clock);

    private void fail(String client, int times) {
        for (int i = 0; i < times; i++) {
            limiter.failed(client);
        }
    }

    @Test
    void shouldNotBlockWhenFailuresStayBelowTheLimit() {
        fail(CLIENT, 2);

        assertThat(limiter.blocked(CLIENT)).isFalse();
        assertThat(limiter.retryAfter(CLIENT)).isZero();
    }

    @Test
    void shouldBlockWhenTheLimitIsReachedWithinAMinute() {
        fail(CLIENT, 1);
        clock.advance(Duration.ofSeconds(20));
        fail(CLIENT, 2);

        assertThat(limiter.blocked(CLIENT)).isTrue();
        assertThat(limiter.retryAfter(CLIENT)).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void shouldUnblockWhenTheOldestFailureIsAMinuteOld() {
        fail(CLIENT, 1);
        clock.advance(Duration.ofSeconds(20));
        fail(CLIENT, 2);

        clock.advance(Duration.ofSeconds(39));
        assertThat(limiter.blocked(CLIENT)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.blocked(CLIENT)).isFalse();
    }

    @Test
    void shouldNotBlockWhenFailuresAreSpreadOverMoreThanAMinute() {
        for (int i = 0; i < 10; i++) {
            fail(CLIENT, 1);
            clock.advance(Duration.ofSeconds(30));
        }

        assertThat(limiter.blocked(CLIENT)).isFalse();
    }

    @Test
    void shouldBlockAgainWhenTheClientFailsAgainAfterTheWindow() {
        fail(CLIENT, 3);
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.blocked(CLIENT)).isFalse();

        fail(CLIENT, 3);

        assertThat(limiter.blocked(CLIENT)).isTrue();
        assertThat(limiter.retryAfter(CLIENT)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldCountEachClientOnItsOwn() {
        fail(CLIENT, 3);

        assertThat(limiter.blocked(CLIENT)).isTrue();
        assertThat(limiter.blocked(OTHER)).isFalse();
    }

    @Test
    void shouldForgetTheLeastRecentlySeenClientWhenMoreThanMaxClientsFail() {
        FailureLimiter small = new FailureLimiter(1, 2, clock);
        small.failed("a");
        small.failed("b");
        small.blocked("a");
        small.failed("c");

        assertThat(small.clients()).isEqualTo(2);
        assertThat(small.blocked("b")).as("least recently seen, forgotten").isFalse();
        assertThat(small.blocked("a")).isTrue();
        assertThat(small.blocked("c")).isTrue();
    }

    @Test
    void shouldForgetAClientWhenItsFailuresHaveAged() {
        fail(CLIENT, 1);
        clock.advance(Duration.ofMinutes(2));

        assertThat(limiter.blocked(CLIENT)).isFalse();
        assertThat(limiter.clients()).isZero();
    }

    @Test
    void shouldCountEveryFailureWhenManyThreadsFailAtOnce() throws InterruptedException {
        FailureLimiter many = new FailureLimiter(1000, 10, clock);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 999; i++) {
            threads.execute(() -> many.failed(CLIENT));
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(many.blocked(CLIENT)).isFalse();
        many.failed(CLIENT);
        assertThat(many.blocked(CLIENT)).isTrue();
    }

    @Test
    void shouldRefuseLimitsBelowOne() {
        assertThatThrownBy(() -> new FailureLimiter(0, 10, clock)).hasMessageContaining("failures per minute");
        assertThatThrownBy(() -> new FailureLimiter(5, 0, clock)).hasMessageContaining("max clients");
    }
}
