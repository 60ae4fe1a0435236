package org.biomarkerstreams.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {

    @Test
    void shouldOrderVisitNamesByTheirDayNumbersWhenSorted() {
        List<String> visits = new ArrayList<>(List.of("D28", "D3", "BASELINE", "D14", "D7", "D007"));

        visits.sort(NaturalOrder.INSTANCE);

        assertThat(visits).containsExactly("BASELINE", "D3", "D007", "D7", "D14", "D28");
    }
}
