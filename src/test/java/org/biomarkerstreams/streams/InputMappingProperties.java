package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.testing.RawRecords;

class InputMappingProperties {

    @Property(tries = 500)
    void shouldGiveBackTheReadingWhenRoundTrippedThroughAvroBinary(@ForAll("readings") RawReading reading)
            throws IOException {
        LabReading decoded =
                LabReading.fromByteBuffer(InputMapping.toAvro(reading).toByteBuffer());

        assertThat(InputMapping.fromAvro(decoded)).isEqualTo(reading);
    }

    @Property(tries = 500)
    void shouldGiveBackTheEventWhenRoundTrippedThroughAvroBinary(@ForAll("events") RawClinicalEvent event)
            throws IOException {
        ClinicalEvent decoded =
                ClinicalEvent.fromByteBuffer(InputMapping.toAvro(event).toByteBuffer());

        assertThat(InputMapping.fromAvro(decoded)).isEqualTo(event);
    }

    private static Arbitrary<String> text() {
        return Arbitraries.strings().ofMaxLength(16).injectNull(0.2);
    }

    /** Millisecond instants: all that timestamp-millis carries. */
    private static Arbitrary<Instant> instants() {
        return Arbitraries.longs()
                .between(-5_000_000_000_000L, 10_000_000_000_000L)
                .map(Instant::ofEpochMilli)
                .injectNull(0.2);
    }

    @Provide
    Arbitrary<RawReading> readings() {
        return RawRecords.readings(text(), instants());
    }

    @Provide
    Arbitrary<RawClinicalEvent> events() {
        return RawRecords.events(text(), instants());
    }
}
