package org.biomarkerstreams.protocol;

import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.VisitWindow;
import org.biomarkerstreams.protocol.ProtocolFile.DayConvention;

/** A visit window as a protocol file writes it ({@code {name: D7, target: 7, low: 6, high: 8}}). */
record VisitEntry(String name, Day target, Day low, Day high) {

    VisitEntry {
        name = Check.required(name, "name");
        if (name.equalsIgnoreCase(Protocol.BASELINE)) {
            throw new FieldError("name", "BASELINE is implicit (baselineWindowDays); do not list it");
        }
        required(target, "target");
        required(low, "low");
        required(high, "high");
        // Both conventions number days in the same order, so the written days compare as the protocol days would.
        if (!(low.written() <= target.written() && target.written() <= high.written())) {
            throw new FieldError("need low <= target <= high, got low " + low.written() + ", target " + target.written()
                    + ", high " + high.written());
        }
    }

    /** The window in protocol days. */
    VisitWindow window(DayConvention convention) {
        return new VisitWindow(
                name, target.pdy(convention, "target"), low.pdy(convention, "low"), high.pdy(convention, "high"));
    }

    private static void required(Day day, String field) {
        if (day == null) {
            throw new FieldError(field, "is required");
        }
    }
}
