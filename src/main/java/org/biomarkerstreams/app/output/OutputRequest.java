package org.biomarkerstreams.app.output;

import java.util.Objects;
import org.biomarkerstreams.domain.DateShift;

/**
 * How {@code export} and {@code replay --out} write the output topics.
 *
 * @param format {@code --format}
 * @param selection every record, or the latest per key ({@code --latest})
 * @param shift the per-patient date shift ({@code --date-shift-key-file}), or none
 * @param study what the Dataset-JSON datasets need beyond the records
 */
public record OutputRequest(OutputFormat format, RecordSelection selection, DateShift shift, StudyMetadata study) {

    public OutputRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(shift, "shift");
        Objects.requireNonNull(study, "study");
    }
}
