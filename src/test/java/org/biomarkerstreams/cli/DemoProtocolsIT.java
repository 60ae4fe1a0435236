package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.biomarkerstreams.app.report.CohortReport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Each bundled seed protocol's demo runs end to end and prints its paper's table. */
class DemoProtocolsIT {

    private final StringWriter out = new StringWriter();

    private DemoCommand run(String protocol) {
        DemoCommand demo = new DemoCommand();
        CommandLine cli = new CommandLine(demo);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute("--exit-when-done", "--seed", "7", "--protocol", protocol);
        System.out.println(out);
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("Protocol " + protocol, "0 dead-lettered");
        return demo;
    }

    @Test
    void shouldPrintMscVersusControlByD3D7D14WhenSeed000() {
        CohortReport table = run("seed-000").lastReport;

        assertThat(keys(table)).containsExactly("MSC", "CONTROL");
        assertThat(patients(table, "MSC")).isEqualTo(12);
        assertThat(patients(table, "CONTROL")).isEqualTo(29);
        assertThat(out.toString()).contains("hUC-MSC (N=12)", "Control (N=29)", "BASELINE", "D3", "D7", "D14");
        // The paper counts the infusion day as day 1 and observed the patients for 2 weeks.
        assertThat(out.toString()).contains("days in ADY (infusion day = day 1, no day 0)", "follow-up 14 days");
        assertThat(out.toString()).doesNotContain("D28", "BL (day 0");
        assertThat(table.cell("MSC", "CRP", "D7").orElseThrow().median())
                .isLessThan(table.cell("CONTROL", "CRP", "D7").orElseThrow().median());
    }

    @Test
    void shouldPrintBeforeVersusAfterWithTheLettersRangesWhenSeed001() {
        CohortReport table = run("seed-001").lastReport;

        assertThat(keys(table)).containsExactly("ALL");
        assertThat(patients(table, "ALL")).isEqualTo(31);
        assertThat(out.toString())
                .contains("Before UC-MSC", "After UC-MSC", "(N=31)")
                .contains("LYMPH (10*9/L), normal 1.1-3.2", "CRP (mg/L), normal <10", "DDU <243");
        CohortReport.Cell before = table.cell("ALL", "CRP", "BASELINE").orElseThrow();
        CohortReport.Cell after = table.cell("ALL", "CRP", "AFTER").orElseThrow();
        assertThat(after.median()).isLessThan(before.median());
        assertThat(table.cell("ALL", "LYMPH", "AFTER").orElseThrow().median())
                .isGreaterThan(
                        table.cell("ALL", "LYMPH", "BASELINE").orElseThrow().median());
    }

    @Test
    void shouldPrintGroupAVersusGroupBByD7D14D28WhenSeed002() {
        CohortReport table = run("seed-002").lastReport;

        assertThat(keys(table)).containsExactly("Group A", "Group B");
        assertThat(patients(table, "Group A")).isEqualTo(9);
        assertThat(patients(table, "Group B")).isEqualTo(7);
        assertThat(out.toString())
                .contains("Group A (severe) (N=9)", "Group B (critical) (N=7)")
                .contains("D7", "D14", "D28", "days in ADY")
                .doesNotContain("Total (N=", "BL (day 0");
        // The groups are disjoint arms: the log-rank test compares them alone, with 1 degree of freedom.
        CohortReport.Comparison crp = table.comparisons("CRP").get(0);
        assertThat(crp.groups()).containsExactly("Group A (severe)", "Group B (critical)");
        assertThat(crp.degreesOfFreedom()).isEqualTo(1);
        assertThat(table.cell("Group B", "PFRATIO", "BASELINE").orElseThrow().median())
                .isLessThan(table.cell("Group A", "PFRATIO", "BASELINE")
                        .orElseThrow()
                        .median());
    }

    @Test
    void shouldPrintBlindedArmsInATwoToOneSplitWhenSeed003() {
        CohortReport table = run("seed-003").lastReport;

        assertThat(keys(table)).containsExactly("Arm A", "Arm B");
        assertThat(out.toString()).doesNotContain("UC-MSC (N=", "PLACEBO").contains("arms blinded", "D10", "D28");
        assertThat(table.columns()).extracting(CohortReport.Column::patients).containsExactlyInAnyOrder(65, 35);
    }

    private static java.util.List<String> keys(CohortReport table) {
        return table.columns().stream().map(CohortReport.Column::key).toList();
    }

    private static int patients(CohortReport table, String column) {
        return table.column(column).orElseThrow().patients();
    }
}
