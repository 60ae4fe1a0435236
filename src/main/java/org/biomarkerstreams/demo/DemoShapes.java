package org.biomarkerstreams.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.protocol.ProtocolFile;

/** A protocol file's demo section and table layout, as the generator and the table take them. */
public final class DemoShapes {

    private DemoShapes() {}

    /** The cohort of a protocol's demo section, enrolled from 2020-02-01 in the protocol's time zone. */
    public static CohortDesign design(ProtocolFile.Demo demo, ProtocolFile.Loaded file, long seed) {
        return new CohortDesign(
                demo.arms(),
                demo.strata(),
                file.protocol().strata().contains("severity"),
                demo.drawDays(),
                demo.outpatientDays(),
                demo.baselines(),
                demo.ddimerAssay() == AssayType.DDU,
                seed,
                CohortSpec.SEED_000_START,
                file.protocol().zone());
    }

    /**
     * The table layout of a protocol; the default protocol keeps the demo's original table (arms sorted, no title).
     *
     * @param rules the rules the pipeline runs with (blinding)
     * @param profile the profile the pipeline runs with (reference intervals shown by a before/after table)
     */
    public static CohortTable.Layout layout(ProtocolFile.Loaded file, Protocol rules, SiteProfile profile) {
        if (Protocol.DEFAULT_NAME.equals(rules.name())) {
            return CohortTable.Layout.arms();
        }
        ProtocolFile.Table table = file.table();
        CohortTable.Kind kind =
                switch (table.layout()) {
                    case ARMS -> CohortTable.Kind.ARMS;
                    case STRATA -> CohortTable.Kind.STRATA;
                    case BEFORE_AFTER -> CohortTable.Kind.BEFORE_AFTER;
                };
        List<String> order = table.columns().isEmpty() && kind == CohortTable.Kind.ARMS ? file.arms() : table.columns();
        Map<String, String> titles = new LinkedHashMap<>(table.columnTitles());
        if (kind == CohortTable.Kind.ARMS && rules.blinding().blinded()) {
            titles.clear(); // a heading written for an arm would name it
        }
        String blinded = rules.blinding().blinded() ? " Arms blinded (neutral codes)." : "";
        String title = file.heading(rules) + "." + blinded;
        return new CohortTable.Layout(
                kind, table.stratum(), order, table.total(), titles, rules.blinding(), ranges(profile), title);
    }

    private static Map<String, String> ranges(SiteProfile profile) {
        Map<String, String> ranges = new LinkedHashMap<>();
        for (AnalyteDefinition analyte : profile.primaryAnalytes()) {
            if (analyte.requiresAssayType()) {
                List<String> parts = new ArrayList<>();
                for (AssayType assay : List.of(AssayType.DDU, AssayType.FEU)) {
                    analyte.interval(assay).map(ReferenceInterval::text).ifPresent(t -> parts.add(assay + " " + t));
                }
                ranges.put(analyte.paramcd(), String.join(", ", parts));
            } else {
                analyte.interval(AssayType.NONE).ifPresent(i -> ranges.put(analyte.paramcd(), i.text()));
            }
        }
        return ranges;
    }
}
