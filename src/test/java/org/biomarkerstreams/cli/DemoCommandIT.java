package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.biomarkerstreams.app.report.CohortReport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo end to end: embedded broker, in-memory registry, synthetic cohort, the printed trial table rendered from
 * the streaming cohort outputs.
 */
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
                .contains("BASELINE", "D3", "D7", "D14", "D28", "Time to normalization", "log-rank")
                .contains("0 dead-lettered");
        CohortReport table = demo.lastReport;
        assertThat(table.columns()).extracting(CohortReport.Column::key).containsExactly("CONTROL", "MSC");
        assertThat(table.column("MSC").orElseThrow().patients()).isEqualTo(12);
        assertThat(table.column("CONTROL").orElseThrow().patients()).isEqualTo(29);
        for (String analyte : new String[] {"CRP", "LYMPH"}) {
            CohortReport.Normalization msc = table.normalization("MSC", analyte).orElseThrow();
            CohortReport.Normalization control =
                    table.normalization("CONTROL", analyte).orElseThrow();
            assertThat(msc.medianDays()).isNotNull();
            assertThat(msc.medianDays())
                    .as(analyte + " KM median days, MSC vs control")
                    .isLessThan(control.medianDays() == null ? Double.POSITIVE_INFINITY : control.medianDays());
            assertThat(table.comparisons(analyte)).singleElement().satisfies(c -> assertThat(c.groups())
                    .containsExactly("CONTROL", "MSC"));
        }
        assertThat(table.cell("MSC", "CRP", "D7").orElseThrow().median())
                .isLessThan(table.cell("CONTROL", "CRP", "D7").orElseThrow().median());
    }
}
