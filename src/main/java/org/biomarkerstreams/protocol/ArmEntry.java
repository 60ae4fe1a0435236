package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.biomarkerstreams.protocol.ProtocolFile.DayConvention;
import org.biomarkerstreams.protocol.ProtocolFile.DemoArm;
import org.biomarkerstreams.protocol.ProtocolFile.Range;
import org.biomarkerstreams.protocol.ProtocolFile.Regimen;

/**
 * One arm of a demo cohort as the file writes it: its patients and their infusion days, or several {@code regimens}
 * of them (seed 001: one, two or three infusions).
 *
 * @param patients with {@code infusionDays}, the arm's one regimen; {@code null} when the file lists regimens
 * @param regimens the arm's regimens, the one written inline included
 * @param baselines baseline ranges by analyte code for this arm's patients (seed 002: Group B's lower P/F), over the
 *     demo's own; a strata value's ranges still win for its patients
 */
record ArmEntry(
        String arm,
        Kinetics kinetics,
        String product,
        String dose,
        Integer patients,
        List<Day> infusionDays,
        List<RegimenEntry> regimens,
        int progressors,
        int deaths,
        Map<String, Range> baselines) {

    /** How an arm's biomarkers recover. */
    enum Kinetics {
        /** Fast, as in MSC-infused patients. */
        MSC,
        /** Slower, as under standard care (placebo, control). */
        CONTROL;

        @JsonCreator
        static Kinetics of(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "msc" -> MSC;
                case "control" -> CONTROL;
                default -> throw new FieldError("must be msc (fast recovery) or control (standard care)");
            };
        }
    }

    ArmEntry {
        arm = Check.required(arm, "arm");
        kinetics = Objects.requireNonNullElse(kinetics, Kinetics.MSC);
        product = Objects.requireNonNullElse(product, "UC-MSC");
        if (regimens == null) {
            regimens = List.of(new RegimenEntry(patients, infusionDays));
        } else if (patients != null || infusionDays != null) {
            throw new FieldError("give either patients and infusionDays, or regimens, not both");
        } else if (regimens.isEmpty()) {
            throw new FieldError("regimens", "expected a list of {patients, infusionDays}");
        }
        regimens = List.copyOf(regimens);
        int total = patientsOf(regimens);
        Check.atLeast(progressors, 0, "progressors");
        Check.atLeast(deaths, 0, "deaths");
        if (progressors > total) {
            throw new FieldError("progressors", progressors + " is more than the arm's " + total + " patients");
        }
        if (deaths > progressors) {
            throw new FieldError("deaths", "deaths are progressors who die: at most " + progressors);
        }
        baselines = DemoSection.baselines(baselines, "baselines");
    }

    int totalPatients() {
        return patientsOf(regimens);
    }

    private static int patientsOf(List<RegimenEntry> regimens) {
        return regimens.stream().mapToInt(RegimenEntry::patients).sum();
    }

    /** The arm in protocol days. */
    DemoArm demoArm(DayConvention convention) {
        List<Regimen> converted = new ArrayList<>();
        for (int i = 0; i < regimens.size(); i++) {
            RegimenEntry regimen = regimens.get(i);
            // A mistake in the inline regimen is in the arm's own fields.
            String where = patients != null ? "" : FieldPath.index("regimens", i);
            converted.add(FieldError.within(where, () -> regimen.regimen(convention)));
        }
        return new DemoArm(arm, kinetics == Kinetics.MSC, product, dose, converted, progressors, deaths, baselines);
    }
}
