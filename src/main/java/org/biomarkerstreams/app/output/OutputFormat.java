package org.biomarkerstreams.app.output;

import java.util.Arrays;
import java.util.Locale;

/** The file format of {@code export} and {@code replay --out}: {@code --format}. */
public enum OutputFormat {
    /** One JSON object per record ({@code <topic>.ndjson}), the Avro fields under their schema names. */
    NDJSON("ndjson"),
    /** One CSV file per topic with a header row, nested fields flattened ({@code <topic>.csv}). */
    CSV("csv"),
    /**
     * CDISC Dataset-JSON 1.1: {@code adlb.json} from the trajectory points, {@code adtte.json} from time to
     * normalization; the other topics as NDJSON, as they have no ADaM shape.
     */
    DATASET_JSON("dataset-json");

    private final String optionValue;

    OutputFormat(String optionValue) {
        this.optionValue = optionValue;
    }

    /** The value as {@code --format} takes it. */
    public String optionValue() {
        return optionValue;
    }

    /**
     * The format named {@code value} (as {@code --format} takes it, any case).
     *
     * @throws IllegalArgumentException naming {@code --format} and the formats there are
     */
    public static OutputFormat parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (OutputFormat f : values()) {
            if (f.optionValue.equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("--format " + value + ": expected one of "
                + Arrays.stream(values()).map(OutputFormat::optionValue).toList());
    }

    @Override
    public String toString() {
        return optionValue;
    }
}
