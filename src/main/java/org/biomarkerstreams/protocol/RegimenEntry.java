package org.biomarkerstreams.protocol;

import java.util.List;
import org.biomarkerstreams.protocol.ProtocolFile.DayConvention;
import org.biomarkerstreams.protocol.ProtocolFile.Regimen;

/** Patients of a demo arm who get the same infusions, on days as the file writes them. */
record RegimenEntry(Integer patients, List<Day> infusionDays) {

    RegimenEntry {
        if (patients == null || patients < 1) {
            throw new FieldError("patients", "expected a whole number >= 1");
        }
        infusionDays = infusionDays == null ? List.of() : List.copyOf(infusionDays);
        for (int i = 1; i < infusionDays.size(); i++) {
            if (infusionDays.get(i).written() <= infusionDays.get(i - 1).written()) {
                throw new FieldError("infusionDays", "days must increase");
            }
        }
    }

    /** The regimen in protocol days; its first infusion must be the anchor. */
    Regimen regimen(DayConvention convention) {
        List<Integer> pdys = Day.pdys(infusionDays, convention, "infusionDays");
        if (!pdys.isEmpty() && pdys.get(0) != 0) {
            throw new FieldError(
                    "infusionDays",
                    "the first infusion is the anchor: day " + (convention == DayConvention.ADY ? 1 : 0) + " in "
                            + convention);
        }
        return new Regimen(patients, pdys);
    }
}
