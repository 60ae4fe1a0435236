package org.biomarkerstreams.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The official CDISC Dataset-JSON 1.1 JSON Schema (src/test/resources/dataset-json, provenance beside it), for
 * validating the files {@code --format dataset-json} writes.
 */
public final class DatasetJsonSchema {

    private static final Schema SCHEMA = load();

    private DatasetJsonSchema() {}

    /** The schema's complaints about {@code document}; empty when it is a valid Dataset-JSON 1.1 file. */
    public static List<String> errors(JsonNode document) {
        return SCHEMA.validate(document).stream().map(Error::toString).toList();
    }

    private static Schema load() {
        try (InputStream in = DatasetJsonSchema.class.getResourceAsStream("/dataset-json/dataset.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("dataset-json/dataset.schema.json is not on the test class path");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2019_09)
                    .getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
