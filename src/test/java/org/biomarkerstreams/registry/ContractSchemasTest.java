package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.testing.NewerContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The files in {@code schemas/} as a registry and a newer or older reader see them. */
class ContractSchemasTest {

    private static final Path SCHEMAS = Path.of("schemas");
    private static final Path PUBLISHED = Path.of("src/test/resources/published-contract");

    static Stream<Path> contractFiles() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            List<Path> avsc =
                    files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
            assertThat(avsc).hasSizeGreaterThanOrEqualTo(11);
            return avsc.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("contractFiles")
    void shouldParseOnItsOwnAsTheSchemaTheSerdeRegistersWhenAFileIsTakenAsItIs(Path file) throws IOException {
        // A fresh parser knows no other file: a name the file uses but does not define would fail here.
        Schema parsed = new Schema.Parser().parse(file.toFile());

        Schema registered = ContractSchema.of(generatedClass(parsed));

        assertThat(registered.toString()).isEqualTo(parsed.toString());
        assertThat(registered.toString()).doesNotContain("avro.java");
    }

    /**
     * Enums whose symbols cannot grow: RangeIndicator says whether a value is below, within or above an interval. It
     * was published without a default, and adding the UNKNOWN symbol now would itself be a symbol its readers lack.
     */
    private static final Set<String> CLOSED_ENUMS = Set.of("org.biomarkerstreams.avro.RangeIndicator");

    @ParameterizedTest
    @MethodSource("contractFiles")
    void shouldGiveEveryEnumTheDefaultUnknownSoThatNewSymbolsAreNotMistakenForOldOnes(Path file) throws IOException {
        List<Schema> enums = new ArrayList<>();
        collectEnums(new Schema.Parser().parse(file.toFile()), enums, new ArrayList<>());
        enums.removeIf(e -> CLOSED_ENUMS.contains(e.getFullName()));

        assertThat(enums).allSatisfy(e -> {
            assertThat(e.getEnumDefault()).as(e.getFullName()).isEqualTo("UNKNOWN");
            assertThat(e.getEnumSymbols()).as(e.getFullName()).contains("UNKNOWN");
        });
    }

    @ParameterizedTest
    @MethodSource("contractFiles")
    void shouldReadAndBeReadByThePublishedVersionWhenComparedUnderAvrosRules(Path file) throws IOException {
        Schema current = new Schema.Parser().parse(file.toFile());
        Schema published =
                publishedParser().parse(PUBLISHED.resolve(file.getFileName()).toFile());

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, published)
                        .getType())
                .as("current reads published (BACKWARD)")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(published, current)
                        .getType())
                .as("published reads current (FORWARD)")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shouldReadANewerWritersStatusAsUnknownWhereThePublishedVersionReadItAsFinal() throws IOException {
        Schema newer = NewerContract.withSymbol(LabReading.class, "ResultStatus", "AMENDED");
        byte[] framed =
                NewerContract.framed(1, NewerContract.as(newer, LabReadings.aCrpReading(), "status", "AMENDED"));
        Schema current =
                new Schema.Parser().parse(SCHEMAS.resolve("LabReading.avsc").toFile());
        Schema published =
                publishedParser().parse(PUBLISHED.resolve("LabReading.avsc").toFile());

        assertThat(statusAsReadBy(current, newer, framed)).isEqualTo("UNKNOWN");
        assertThat(statusAsReadBy(published, newer, framed))
                .as("why readers of the published contract should be upgraded first")
                .isEqualTo("FINAL");
    }

    private static String statusAsReadBy(Schema reader, Schema writer, byte[] framed) throws IOException {
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, reader)
                .read(
                        null,
                        DecoderFactory.get()
                                .binaryDecoder(
                                        framed, WireFormat.HEADER_SIZE, framed.length - WireFormat.HEADER_SIZE, null));
        return read.get("status").toString();
    }

    /** A parser that knows the published shared enums, which the published records named without defining. */
    private static Schema.Parser publishedParser() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        try (Stream<Path> common = Files.list(PUBLISHED.resolve("common"))) {
            for (Path file : common.sorted().toList()) {
                parser.parse(file.toFile());
            }
        }
        return parser;
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends SpecificRecord> generatedClass(Schema schema) {
        Class<?> type = SpecificData.get().getClass(schema);
        assertThat(type).as("generated class of " + schema.getFullName()).isNotNull();
        assertThat(SpecificRecord.class).isAssignableFrom(type);
        return (Class<? extends SpecificRecord>) type;
    }

    private static void collectEnums(Schema schema, List<Schema> enums, List<String> seen) {
        if (schema.getType() == Schema.Type.RECORD || schema.getType() == Schema.Type.ENUM) {
            if (seen.contains(schema.getFullName())) {
                return;
            }
            seen.add(schema.getFullName());
        }
        switch (schema.getType()) {
            case ENUM -> enums.add(schema);
            case RECORD -> schema.getFields().forEach(f -> collectEnums(f.schema(), enums, seen));
            case UNION -> schema.getTypes().forEach(t -> collectEnums(t, enums, seen));
            case ARRAY -> collectEnums(schema.getElementType(), enums, seen);
            case MAP -> collectEnums(schema.getValueType(), enums, seen);
            default -> {}
        }
    }
}
