package org.biomarkerstreams.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.Result;

/**
 * Clinical events as newline-delimited JSON, one object per line:
 *
 * <pre>{@code
 * {"eventId":"E1","revision":0,"patientId":"P1","type":"RANDOMIZED","at":"2020-02-01T10:00:00+08:00",
 *  "arm":"UC-MSC","strata":{"severity":"severe"}}
 * {"eventId":"E2","patientId":"P1","type":"INFUSION","at":"2020-02-02T23:00:00+08:00","dose":"1x10^6 cells/kg",
 *  "product":"UC-MSC"}
 * }</pre>
 *
 * <p>{@code type} is one of {@link EventType}; {@code strata} is an object of string labels (empty when missing);
 * {@code dose} may be a string or a number; {@code revision} defaults to 0 and {@code enteredInError} to false.
 * Missing fields stay null for validation to reject; unknown fields are ignored; wrong JSON types, unreadable
 * timestamps and unknown types make the line {@link ParsedLine.Malformed}. Events carry no receive time, so unlike
 * {@link NdjsonReadings} this needs no clock.
 */
public final class NdjsonEvents {

    /** The {@code source} of every event read from NDJSON. */
    public static final String SOURCE = "ndjson";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private NdjsonEvents() {}

    /** Parses one line, keyed by the bare {@code patientId}; never throws on bad input. */
    public static ParsedLine<RawClinicalEvent> parse(String line) {
        return parse(line, PatientIdRule.BARE);
    }

    /**
     * Parses one line; never throws on bad input. The key is {@code patientId} by {@code rule}, as for readings
     * ({@link NdjsonReadings}): {@code patientIdAuthority} and {@code patientIdType} may qualify it.
     */
    public static ParsedLine<RawClinicalEvent> parse(String line, PatientIdRule rule) {
        try {
            JsonObjectLine json = JsonObjectLine.read(line);
            Result<Optional<String>> patientKey = NdjsonReadings.patientKey(json, rule);
            if (patientKey.isRejected()) {
                return new ParsedLine.Rejected<>(patientKey.rejection());
            }
            return new ParsedLine.Parsed<>(new RawClinicalEvent(
                    json.string("eventId"),
                    json.integer("revision", 0),
                    patientKey.value().orElse(null),
                    json.constant("type", EventType.class),
                    json.instant("at"),
                    json.string("arm"),
                    json.stringMap("strata"),
                    json.stringOrNumber("dose"),
                    json.string("product"),
                    json.bool("enteredInError", false),
                    SOURCE));
        } catch (JsonObjectLine.Unreadable e) {
            return new ParsedLine.Malformed<>(e.getMessage());
        }
    }

    /** Parses one line of a file; a malformed or rejected reason starts with the line number. */
    public static ParsedLine<RawClinicalEvent> parse(NdjsonFile.Line line) {
        return parse(line, PatientIdRule.BARE);
    }

    /** Parses one line of a file with {@code rule}; a malformed or rejected reason starts with the line number. */
    public static ParsedLine<RawClinicalEvent> parse(NdjsonFile.Line line, PatientIdRule rule) {
        return NdjsonReadings.numbered(parse(line.text(), rule), line);
    }

    /**
     * One NDJSON line for an event, without a line terminator: the inverse of {@link #parse(String)}. Null fields are
     * left out, strata are written in label order, {@code enteredInError} only when true, and {@code source} not at
     * all.
     */
    public static String toJson(RawClinicalEvent event) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            NdjsonReadings.writeIfPresent(json, "eventId", event.eventId());
            json.writeNumberField("revision", event.revision());
            NdjsonReadings.writeIfPresent(json, "patientId", event.patientId());
            if (event.type() != null) {
                json.writeStringField("type", event.type().name());
            }
            NdjsonReadings.writeIfPresent(json, "at", event.at());
            NdjsonReadings.writeIfPresent(json, "arm", event.arm());
            if (!event.strata().isEmpty()) {
                json.writeObjectFieldStart("strata");
                for (Map.Entry<String, String> label : event.strata().entrySet()) {
                    json.writeStringField(label.getKey(), label.getValue());
                }
                json.writeEndObject();
            }
            NdjsonReadings.writeIfPresent(json, "dose", event.dose());
            NdjsonReadings.writeIfPresent(json, "product", event.product());
            if (event.enteredInError()) {
                json.writeBooleanField("enteredInError", true);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
