package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ResultTest {

    @Test
    void shouldExposeValueWhenOk() {
        Result<Integer> ok = Result.ok(3);

        assertThat(ok.isOk()).isTrue();
        assertThat(ok.isRejected()).isFalse();
        assertThat(ok.value()).isEqualTo(3);
        assertThat(ok.orElse(7)).isEqualTo(3);
        assertThatThrownBy(ok::rejection).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldExposeRejectionWhenRejected() {
        Result<Integer> rejected = Result.rejected(ErrorCode.NON_NUMERIC, "value 'abc' is not a number");

        assertThat(rejected.isOk()).isFalse();
        assertThat(rejected.rejection()).isEqualTo(new Rejection(ErrorCode.NON_NUMERIC, "value 'abc' is not a number"));
        assertThat(rejected.orElse(7)).isEqualTo(7);
        assertThatThrownBy(rejected::value)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NON_NUMERIC");
    }

    @Test
    void shouldTransformValueWhenMappingOk() {
        assertThat(Result.ok(3).map(i -> i * 2)).isEqualTo(Result.ok(6));
        assertThat(Result.ok(3).flatMap(i -> Result.ok("x" + i))).isEqualTo(Result.ok("x3"));
    }

    @Test
    void shouldPassRejectionThroughWithoutCallingFunctionWhenMappingRejected() {
        Result<Integer> rejected = Result.rejected(ErrorCode.MISSING_FIELD, "value is missing");
        AtomicBoolean called = new AtomicBoolean();

        Result<String> mapped = rejected.map(i -> {
            called.set(true);
            return "x";
        });
        Result<String> flatMapped = rejected.flatMap(i -> {
            called.set(true);
            return Result.ok("x");
        });

        assertThat(called).isFalse();
        assertThat(mapped.rejection()).isEqualTo(rejected.rejection());
        assertThat(flatMapped.rejection()).isEqualTo(rejected.rejection());
    }

    @Test
    void shouldReturnInnerRejectionWhenFlatMapStepRejects() {
        Result<Integer> chained = Result.ok(3).flatMap(i -> Result.rejected(ErrorCode.UNKNOWN_UNIT, "unit 'x'"));

        assertThat(chained.rejection().code()).isEqualTo(ErrorCode.UNKNOWN_UNIT);
    }

    @Test
    void shouldRefuseNullsWhenConstructed() {
        assertThatThrownBy(() -> Result.ok(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Rejection(null, "m")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Rejection(ErrorCode.MISSING_FIELD, null)).isInstanceOf(NullPointerException.class);
    }
}
