package org.biomarkerstreams.streams;

import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificRecord;

/**
 * A patient's place in the cohort as its clinical events define it, under the id the outputs show (the
 * pseudonym when one is configured, as on the summaries): its anchor (none before the first
 * randomization or infusion, or after it was retracted), arm and strata. The patient processor sends it
 * downstream when one of them changes, for the visit cohort to count the patient in N, "n of N", whether or
 * not it has a reading of any analyte (docs/semantics.md, "n of N").
 *
 * <p>Internal: it stays inside the patient's sub-topology (its contributor turns it into enrolments keyed by
 * cohort group and a pseudonymous token), is written to no topic and is never serialized, so it has no schema
 * in {@code schemas/}. It is a {@link SpecificRecord} only because the patient processor's output stream
 * carries those.
 */
public record Enrolment(String patientId, Instant anchorAt, String arm, Map<String, String> strata)
        implements SpecificRecord {

    private static final Schema SCHEMA = SchemaBuilder.record("Enrolment")
            .namespace("org.biomarkerstreams.internal")
            .doc("Internal to the topology, never serialized")
            .fields()
            .requiredString("patientId")
            .optionalLong("anchorAt")
            .optionalString("arm")
            .name("strata")
            .type()
            .map()
            .values()
            .stringType()
            .noDefault()
            .endRecord();

    public Enrolment {
        strata = Map.copyOf(strata);
    }

    /** Whether the patient has an anchor, so belongs to its strata. */
    public boolean enrolled() {
        return anchorAt != null;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA;
    }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> patientId;
            case 1 -> anchorAt == null ? null : anchorAt.toEpochMilli();
            case 2 -> arm;
            case 3 -> strata;
            default -> throw new IndexOutOfBoundsException("Enrolment has 4 fields, not field " + field);
        };
    }

    @Override
    public void put(int field, Object value) {
        throw new UnsupportedOperationException("an Enrolment is immutable");
    }
}
