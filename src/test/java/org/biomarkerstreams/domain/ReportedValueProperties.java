package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class ReportedValueProperties {

    @Property
    void shouldReadBackTheSameValueWhenPrinted(@ForAll double value, @ForAll Comparator comparator) {
        if (!Double.isFinite(value)) {
            return;
        }
        ReportedValue reported = new ReportedValue(value, comparator);

        assertThat(ReportedValue.parse(reported.toString())).isEqualTo(Result.ok(reported));
    }

    @Property
    void shouldNeverThrowWhenTextIsArbitrary(@ForAll String text) {
        Result<ReportedValue> result = ReportedValue.parse(text);

        assertThat(result.isOk() || result.rejection().code() != null).isTrue();
    }
}
