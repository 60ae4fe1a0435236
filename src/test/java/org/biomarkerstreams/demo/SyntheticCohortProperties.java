package org.biomarkerstreams.demo;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class SyntheticCohortProperties {

    @Property(tries = 2_000, generation = GenerationMode.EXHAUSTIVE)
    void shouldNormalizeCrpAndLymphocytesFasterWithMscWhenAnySeed(@ForAll @LongRange(min = 1, max = 2_000) long seed) {
        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.seed000(seed));

        for (String analyte : new String[] {"CRP", "LYMPH"}) {
            double msc = FirstNormalDays.median(cohort, "MSC", analyte);
            double control = FirstNormalDays.median(cohort, "CONTROL", analyte);
            assertThat(msc)
                    .as("seed %d %s median first normal day", seed, analyte)
                    .isLessThan(control);
        }
    }
}
