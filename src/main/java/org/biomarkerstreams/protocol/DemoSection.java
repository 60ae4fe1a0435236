package org.biomarkerstreams.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.protocol.ProtocolFile.DayConvention;
import org.biomarkerstreams.protocol.ProtocolFile.Demo;
import org.biomarkerstreams.protocol.ProtocolFile.DemoArm;
import org.biomarkerstreams.protocol.ProtocolFile.Range;
import org.biomarkerstreams.protocol.ProtocolFile.StratumValue;

/**
 * A protocol file's {@code demo} section as written: the arms, the patients of each strata value, the draw days in the
 * file's convention, baseline ranges and the D-dimer assay.
 *
 * @param strata per strata label, its values in the order written; each label's patients add up to the arms'
 * @param ddimerAssay {@code FEU} or {@code DDU}
 */
record DemoSection(
        List<ArmEntry> arms,
        Map<String, List<StratumValue>> strata,
        List<Day> drawDays,
        List<Day> outpatientDays,
        Map<String, Range> baselines,
        String ddimerAssay) {

    /** The analytes the demo generator draws baselines for; a range for any other would be ignored. */
    private static final Set<String> GENERATED = Set.of("CRP", "IL6", "LYMPH", "DDIMER", "PFRATIO");

    DemoSection {
        if (arms == null || arms.isEmpty()) {
            throw new FieldError("arms", "expected a list of arms with their patients");
        }
        arms = List.copyOf(arms);
        strata = allocation(
                strata, arms.stream().mapToInt(ArmEntry::totalPatients).sum());
        drawDays = drawDays == null ? List.of() : List.copyOf(drawDays);
        outpatientDays = outpatientDays == null ? List.of() : List.copyOf(outpatientDays);
        for (int i = 0; i < outpatientDays.size(); i++) {
            if (!drawDays.isEmpty() && !drawDays.contains(outpatientDays.get(i))) {
                throw new FieldError(FieldPath.index("outpatientDays", i), "must be one of the drawDays");
            }
        }
        baselines = baselines(baselines, "baselines");
        ddimerAssay = switch (ddimerAssay == null ? "FEU" : ddimerAssay.strip().toUpperCase(Locale.ROOT)) {
            case "FEU" -> "FEU";
            case "DDU" -> "DDU";
            default -> throw new FieldError("ddimerAssay", "must be FEU or DDU");
        };
    }

    /**
     * Baseline ranges by analyte code; only the analytes the demo generates have them.
     *
     * @param field where the ranges are written, for a mistake
     */
    static Map<String, Range> baselines(Map<String, Range> written, String field) {
        if (written == null) {
            return Map.of();
        }
        Map<String, Range> byAnalyte = new LinkedHashMap<>();
        written.forEach((name, range) -> {
            String analyte = SiteProfile.defaults()
                    .analyte(name)
                    .map(AnalyteDefinition::paramcd)
                    .filter(GENERATED::contains)
                    .orElseThrow(() -> new FieldError(
                            FieldPath.join(field, name), "the demo generates CRP, IL6, LYMPH, DDIMER and PFRATIO"));
            byAnalyte.put(analyte, range);
        });
        return Map.copyOf(byAnalyte);
    }

    /**
     * The demo cohort in protocol days, its arms and strata labels checked against those the protocol declares.
     *
     * @param protocolArms the protocol's arms; none means any
     */
    Demo demo(DayConvention convention, List<String> protocolArms, List<String> protocolStrata) {
        List<DemoArm> demoArms = new ArrayList<>();
        for (int i = 0; i < arms.size(); i++) {
            ArmEntry arm = arms.get(i);
            String where = FieldPath.index("arms", i);
            if (!protocolArms.isEmpty() && !protocolArms.contains(arm.arm())) {
                throw new FieldError(
                        FieldPath.join(where, "arm"),
                        "'" + arm.arm() + "' is not one of the protocol's arms " + protocolArms);
            }
            demoArms.add(FieldError.within(where, () -> arm.demoArm(convention)));
        }
        for (String label : strata.keySet()) {
            if (!protocolStrata.contains(label)) {
                throw new FieldError(
                        FieldPath.join("strata", label), "not one of the protocol's strata " + protocolStrata);
            }
        }
        return new Demo(
                demoArms,
                strata,
                Day.pdys(drawDays, convention, "drawDays"),
                Day.pdys(outpatientDays, convention, "outpatientDays"),
                baselines,
                AssayType.valueOf(ddimerAssay));
    }

    private static Map<String, List<StratumValue>> allocation(Map<String, List<StratumValue>> strata, int patients) {
        if (strata == null) {
            return Map.of();
        }
        Map<String, List<StratumValue>> byLabel = new LinkedHashMap<>();
        strata.forEach((label, values) -> {
            String where = FieldPath.join("strata", label);
            if (values.isEmpty()) {
                throw new FieldError(where, "expected a list of {value, patients}");
            }
            int sum = values.stream().mapToInt(StratumValue::patients).sum();
            if (sum != patients) {
                throw new FieldError(where, "patients add up to " + sum + ", but the demo arms have " + patients);
            }
            byLabel.put(label, List.copyOf(values));
        });
        return Collections.unmodifiableMap(byLabel);
    }
}
