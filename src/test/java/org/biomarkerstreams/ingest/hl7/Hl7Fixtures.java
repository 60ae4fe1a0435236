package org.biomarkerstreams.ingest.hl7;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The HL7 samples in {@code src/test/resources/hl7}, byte for byte. */
final class Hl7Fixtures {

    static final Instant RECEIVED = Instant.parse("2020-03-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(RECEIVED, ZoneOffset.UTC);

    static final String ORU_V251 = "oru-v251-loinc.hl7";
    static final String ORU_V23 = "oru-v23-local-codes.hl7";
    static final String ORU_V24 = "oru-v24-custom-encoding.hl7";
    static final String RAS = "ras-o17-infusion.hl7";
    static final String ADT_A01 = "adt-a01-enrolled.hl7";
    static final String ADT_A03_DISCHARGED = "adt-a03-discharged.hl7";
    static final String ADT_A03_DIED = "adt-a03-died.hl7";

    static final String[] ALL = {ORU_V251, ORU_V23, ORU_V24, RAS, ADT_A01, ADT_A03_DISCHARGED, ADT_A03_DIED};

    private Hl7Fixtures() {}

    static String read(String name) {
        try (InputStream in = Hl7Fixtures.class.getResourceAsStream("/hl7/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
