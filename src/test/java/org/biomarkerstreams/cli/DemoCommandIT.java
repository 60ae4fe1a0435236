package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.biomarkerstreams.demo.CohortTable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo end to end: embedded broker, in-memory registry, synthetic cohort, the printed trial table. */
class DemoCommandIT {

    @Test
    void shouldPrintTableWithMscNormalizingCrpAndLymphocytesFasterThanControl() {
        DemoCommand demo = new DemoCommand();
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(demo);
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute("--exit-when-done", "--seed", "7", "--http-port", "0");

        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("CRP (mg/L)", "LYMPH (10*9/L)", "IL6 (pg/mL)", "DDIMER (ng/mL)", "PFRATIO (mm[Hg])")
                .contains("BASELINE", "D3", "D7", "D14", "D28", "time to normal")
                .contains("0 dead-lettered");
        CohortTable table = demo.lastTable;
        assertThat(table.arms()).containsExactly("CONTROL", "MSC");
        assertThat(table.patients("MSC")).isEqualTo(12);
        assertThat(table.patients("CONTROL")).isEqualTo(29);
        for (String analyte : new String[] {"CRP", "LYMPH"}) {
            CohortTable.Normalization msc = table.normalization("MSC", analyte).orElseThrow();
            CohortTable.Normalization control =
                    table.normalization("CONTROL", analyte).orElseThrow();
            assertThat(msc.medianDays()).isPresent();
            assertThat(msc.medianDays().getAsDouble())
                    .as(analyte + " KM median days, MSC vs control")
                    .isLessThan(control.medianDays().orElse(Double.POSITIVE_INFINITY));
        }
        assertThat(table.visit("MSC", "CRP", "D7").orElseThrow().median())
                .isLessThan(table.visit("CONTROL", "CRP", "D7").orElseThrow().median());
    }
}
