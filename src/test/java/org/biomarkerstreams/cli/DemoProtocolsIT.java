package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.biomarkerstreams.demo.CohortTable;
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
        CohortTable table = run("seed-000").lastTable;

        assertThat(table.arms()).containsExactly("MSC", "CONTROL");
        assertThat(table.patients("MSC")).isEqualTo(12);
        assertThat(table.patients("CONTROL")).isEqualTo(29);
        assertThat(out.toString()).contains("hUC-MSC (n=12)", "Control (n=29)", "BASELINE", "D3", "D7", "D14");
        // The paper counts the infusion day as day 1 and observed the patients for 2 weeks.
        assertThat(out.toString()).contains("days in ADY (infusion day = day 1, no day 0)", "follow-up 14 days");
        assertThat(out.toString()).doesNotContain("D28", "BL (day 0");
        assertThat(table.visit("MSC", "CRP", "D7").orElseThrow().median())
                .isLessThan(table.visit("CONTROL", "CRP", "D7").orElseThrow().median());
    }

    @Test
    void shouldPrintBeforeVersusAfterWithTheLettersRangesWhenSeed001() {
        CohortTable table = run("seed-001").lastTable;

        assertThat(table.arms()).containsExactly("ALL");
        assertThat(table.patients("ALL")).isEqualTo(31);
        assertThat(out.toString())
                .contains("Before UC-MSC", "After UC-MSC", "(n=31)")
                .contains("LYMPH (10*9/L) normal 1.1-3.2", "CRP (mg/L) normal <10", "DDU <243");
        CohortTable.Cell before = table.visit("ALL", "CRP", "BASELINE").orElseThrow();
        CohortTable.Cell after = table.visit("ALL", "CRP", "AFTER").orElseThrow();
        assertThat(after.median()).isLessThan(before.median());
        assertThat(table.visit("ALL", "LYMPH", "AFTER").orElseThrow().median())
                .isGreaterThan(
                        table.visit("ALL", "LYMPH", "BASELINE").orElseThrow().median());
    }

    @Test
    void shouldPrintGroupAVersusGroupBByD7D14D28WhenSeed002() {
        CohortTable table = run("seed-002").lastTable;

        assertThat(table.arms()).containsExactly("Group A", "Group B");
        assertThat(table.patients("Group A")).isEqualTo(9);
        assertThat(table.patients("Group B")).isEqualTo(7);
        assertThat(out.toString())
                .contains("Group A (severe) (n=9)", "Group B (critical) (n=7)")
                .contains("D7", "D14", "D28", "days in ADY")
                .doesNotContain("Total (n=", "BL (day 0");
        // The groups are disjoint arms: the log-rank test compares them alone, with 1 degree of freedom.
        CohortTable.ArmComparison crp = table.comparison("CRP").orElseThrow();
        assertThat(crp.columns()).containsExactly("Group A", "Group B");
        assertThat(crp.test().degreesOfFreedom()).isEqualTo(1);
        assertThat(table.visit("Group B", "PFRATIO", "BASELINE").orElseThrow().median())
                .isLessThan(table.visit("Group A", "PFRATIO", "BASELINE")
                        .orElseThrow()
                        .median());
    }

    @Test
    void shouldPrintBlindedArmsInATwoToOneSplitWhenSeed003() {
        CohortTable table = run("seed-003").lastTable;

        assertThat(table.arms()).containsExactly("Arm A", "Arm B");
        assertThat(out.toString()).doesNotContain("UC-MSC (n=", "PLACEBO").contains("Arms blinded", "D10", "D28");
        assertThat(table.arms().stream().map(table::patients)).containsExactlyInAnyOrder(65, 35);
    }
}
