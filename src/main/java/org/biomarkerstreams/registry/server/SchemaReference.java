package org.biomarkerstreams.registry.server;

import java.util.Objects;

/**
 * A schema reference as Confluent's API writes it: {@code name} is the referenced type as the referring schema names
 * it, and the subject version that defines it.
 */
record SchemaReference(String name, String subject, int version) {
    SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }

    SchemaReference withVersion(int concrete) {
        return new SchemaReference(name, subject, concrete);
    }

    @Override
    public String toString() {
        return "{name: " + name + ", subject: " + subject + ", version: " + version + "}";
    }
}
