package org.biomarkerstreams.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatestByKeyTest {

    private final LatestByKey<String> latest = new LatestByKey<>(v -> v.startsWith("retracted"));

    @Test
    void shouldKeepTheLastValuePerKeyInTheOrderTheFinalValuesWereEmitted() {
        latest.accept("a", "a1");
        latest.accept("b", "b1");
        latest.accept("a", "a2");

        assertThat(latest.values()).containsExactly("b1", "a2");
    }

    @Test
    void shouldDropAKeyWhenATombstoneFollowsIt() {
        latest.accept("a", "a1");
        latest.accept("b", "b1");
        latest.accept("a", null);

        assertThat(latest.values()).containsExactly("b1");
    }

    @Test
    void shouldDropAKeyWhenItsLastValueRetractsIt() {
        latest.accept("a", "a1");
        latest.accept("a", "retracted a1");

        assertThat(latest.values()).isEmpty();
    }

    @Test
    void shouldKeepAKeyWrittenAgainAfterItsTombstone() {
        latest.accept("a", "a1");
        latest.accept("a", null);
        latest.accept("a", "a3");

        assertThat(latest.values()).containsExactly("a3");
    }

    @Test
    void shouldKeepEveryRecordWithoutAKeyWhenRecordsHaveNoKey() {
        latest.accept(null, "x");
        latest.accept(null, "x");

        assertThat(latest.values()).containsExactly("x", "x");
    }
}
