package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.ArrayList;
import java.util.List;
import org.biomarkerstreams.protocol.ProtocolFile.DayConvention;

/** A day number as a protocol file writes it, in the file's {@link DayConvention}. */
record Day(int written) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Day of(Object written) {
        if (written instanceof Integer day) {
            return new Day(day);
        }
        throw new FieldError("expected a whole day number, got '" + written + "'");
    }

    /** The protocol day (infusion day = 0); {@code field} names this day in a mistake. */
    int pdy(DayConvention convention, String field) {
        if (convention == DayConvention.ADY && written == 0) {
            throw new FieldError(field, "ADY has no day 0 (the infusion day is 1, the day before -1)");
        }
        return convention.toPdy(written);
    }

    /** The protocol days of the list at {@code field}. */
    static List<Integer> pdys(List<Day> days, DayConvention convention, String field) {
        List<Integer> pdys = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            pdys.add(days.get(i).pdy(convention, FieldPath.index(field, i)));
        }
        return List.copyOf(pdys);
    }
}
