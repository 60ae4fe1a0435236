package org.biomarkerstreams.demo;

import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.protocol.ProtocolFile;

/** A protocol file's demo section, as the generator takes it (the table's layout: app/report/ReportLayout). */
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
}
