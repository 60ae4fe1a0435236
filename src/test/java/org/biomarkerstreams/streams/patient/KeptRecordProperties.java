package org.biomarkerstreams.streams.patient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.TimeToNormalization;

/**
 * The summary and time to normalization an {@link AnalyteState} keeps are stored bytes (the analyte-state
 * changelog): encoded from the record with its patient swapped out, they must be the bytes of the copy with an empty
 * patient that the emitter encoded before, written by a new writer through a direct encoder, and leave the record
 * as it was.
 */
class KeptRecordProperties {

    @Property(tries = 1000)
    void shouldKeepTheBytesOfTheCopyWithoutPatientWhenASummaryIsKept(@ForAll("summaries") BiomarkerSummary s)
            throws IOException {
        assertKeptAsBefore(
                s,
                r -> BiomarkerSummary.newBuilder(r).build(),
                r -> BiomarkerSummary.newBuilder(r)
                        .setPatientId(PatientEmitter.KEPT_PATIENT)
                        .build(),
                PatientEmitter::kept);
    }

    @Property(tries = 1000)
    void shouldKeepTheBytesOfTheCopyWithoutPatientWhenATimeToNormalizationIsKept(@ForAll("ttns") TimeToNormalization t)
            throws IOException {
        assertKeptAsBefore(
                t,
                r -> TimeToNormalization.newBuilder(r).build(),
                r -> TimeToNormalization.newBuilder(r)
                        .setPatientId(PatientEmitter.KEPT_PATIENT)
                        .build(),
                PatientEmitter::kept);
    }

    /** {@code kept} gives the former bytes of the copy without patient, and leaves the record as it was. */
    private static <V extends SpecificRecord> void assertKeptAsBefore(
            V record,
            java.util.function.UnaryOperator<V> copy,
            java.util.function.UnaryOperator<V> withoutPatient,
            java.util.function.Function<V, byte[]> kept)
            throws IOException {
        V before = copy.apply(record);
        byte[] expected = formerEncoding(withoutPatient.apply(record));

        assertThat(kept.apply(record)).isEqualTo(expected);
        assertThat(record).isEqualTo(before);
    }

    /** What AvroBinary.encode did before it kept its writers: a new one per record, through a direct encoder. */
    private static byte[] formerEncoding(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Arbitrary<String> text() {
        return Arbitraries.strings().ofMaxLength(24);
    }

    private static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(
                        Arbitraries.doubles(),
                        Arbitraries.of(0.0, -0.0, Double.NaN, Double.MAX_VALUE, Double.MIN_VALUE))
                .injectNull(0.3);
    }

    private static Arbitrary<Instant> instants() {
        return Arbitraries.longs()
                .between(-5_000_000_000_000L, 10_000_000_000_000L)
                .map(Instant::ofEpochMilli)
                .injectNull(0.3);
    }

    private static Arbitrary<Map<String, String>> strata() {
        return Arbitraries.maps(text(), text()).ofMaxSize(4);
    }

    @Provide
    Arbitrary<BiomarkerSummary> summaries() {
        Arbitrary<BiomarkerSummary.Builder> ids = Combinators.combine(
                        text(), text(), text(), text().injectNull(0.3), strata(), instants())
                .as((patient, analyte, unit, arm, strata, anchor) -> BiomarkerSummary.newBuilder()
                        .setPatientId(patient)
                        .setAnalyte(analyte)
                        .setUnit(unit)
                        .setArm(arm)
                        .setStrata(strata)
                        .setAnchorAt(anchor));
        Arbitrary<BiomarkerSummary.Builder> values = Combinators.combine(
                        ids, doubles(), instants(), doubles(), instants(), doubles(), doubles())
                .as((b, baseline, baselineAt, latest, latestAt, nadir, peak) -> b.setBaseline(baseline)
                        .setBaselineAt(baselineAt)
                        .setLatest(latest)
                        .setLatestAt(latestAt)
                        .setNadir(nadir)
                        .setPeak(peak));
        return Combinators.combine(
                        values,
                        Arbitraries.longs(),
                        Arbitraries.maps(text(), doubles()).ofMaxSize(6),
                        Arbitraries.of(NormalizationStatus.class))
                .as((b, count, visits, status) -> b.setReadingCount(count)
                        .setVisits(visits)
                        .setNormalizationStatus(status)
                        .build());
    }

    @Provide
    Arbitrary<TimeToNormalization> ttns() {
        Arbitrary<TimeToNormalization.Builder> ids = Combinators.combine(
                        text(), text(), text().injectNull(0.3), strata(), instants(), Arbitraries.of(true, false))
                .as((patient, analyte, arm, strata, anchor, atRisk) -> TimeToNormalization.newBuilder()
                        .setPatientId(patient)
                        .setAnalyte(analyte)
                        .setArm(arm)
                        .setStrata(strata)
                        .setAnchorAt(anchor)
                        .setAtRisk(atRisk));
        Arbitrary<Integer> ints = Arbitraries.integers().injectNull(0.3);
        return Combinators.combine(
                        ids,
                        Arbitraries.of(NormalizationStatus.class),
                        ints,
                        doubles(),
                        instants(),
                        ints,
                        ints,
                        text().injectNull(0.3))
                .as((b, status, cnsr, aval, adt, ady, pdy, evntdesc) -> b.setStatus(status)
                        .setCnsr(cnsr)
                        .setAval(aval)
                        .setAdt(adt)
                        .setAdy(ady)
                        .setPdy(pdy)
                        .setEvntdesc(evntdesc)
                        .setProvisional(ady == null)
                        .build());
    }
}
