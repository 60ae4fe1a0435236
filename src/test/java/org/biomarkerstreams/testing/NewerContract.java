package org.biomarkerstreams.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.registry.ContractSchema;
import org.biomarkerstreams.registry.WireFormat;

/**
 * What a producer built from a newer contract writes: a record schema of {@code schemas/} whose enum has a symbol
 * this version does not know (say {@code AMENDED} in {@code ResultStatus}), and records framed in the wire format.
 */
public final class NewerContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NewerContract() {}

    /** {@code type}'s contract schema with {@code symbol} appended to the symbols of its enum {@code enumName}. */
    public static Schema withSymbol(Class<? extends SpecificRecord> type, String enumName, String symbol) {
        JsonNode tree;
        try {
            tree = JSON.readTree(ContractSchema.of(type).toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (!addSymbol(tree, enumName, symbol)) {
            throw new IllegalArgumentException(type.getSimpleName() + " defines no enum " + enumName);
        }
        return new Schema.Parser().parse(tree.toString());
    }

    /**
     * {@code record} as a record of {@code newer} (which must be able to read it), with the enum field {@code field}
     * set to {@code symbol}: what the newer producer sends.
     */
    public static GenericRecord as(Schema newer, SpecificRecord record, String field, String symbol) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        GenericRecord converted;
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            converted = new GenericDatumReader<GenericRecord>(record.getSchema(), newer)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        converted.put(field, new GenericData.EnumSymbol(newer.getField(field).schema(), symbol));
        return converted;
    }

    /** {@code record} in the wire format: magic byte, {@code schemaId}, the Avro binary with its own schema. */
    public static byte[] framed(int schemaId, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return WireFormat.frame(schemaId, out.toByteArray());
    }

    private static boolean addSymbol(JsonNode node, String enumName, String symbol) {
        if (node instanceof ObjectNode object
                && "enum".equals(object.path("type").asText())
                && enumName.equals(object.path("name").asText())) {
            ((ArrayNode) object.get("symbols")).add(symbol);
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (addSymbol(child, enumName, symbol)) {
                    return true;
                }
            }
        }
        return false;
    }
}
