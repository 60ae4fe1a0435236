package org.biomarkerstreams.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.domain.PatientIdentifier;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.Rejection;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.ResultStatus;

/**
 * Lab readings as newline-delimited JSON, one object per line:
 *
 * <pre>{@code
 * {"readingId":"R1","revision":0,"patientId":"P1","loinc":"1988-5","value":"12.50","unit":"mg/L",
 *  "observedAt":"2020-02-03T08:15:00+08:00","status":"FINAL","referenceRange":"0-10","abnormalFlags":"H"}
 * }</pre>
 *
 * <p>{@code analyte} may stand in for {@code loinc}; {@code value} may be a string or a number (kept as written, and
 * may carry a comparator such as {@code "<0.5"}); {@code status} defaults to {@code FINAL} and {@code revision} to 0.
 * Missing fields stay null for validation to reject; unknown fields are ignored; wrong JSON types, unreadable
 * timestamps and unknown statuses make the line {@link ParsedLine.Malformed}. The record key is {@code patientId} by
 * the patient id rule, with the optional {@code patientIdAuthority} and {@code patientIdType} ({@code id-authority}
 * keys {@code "patientId":"12345","patientIdAuthority":"HOSP"} as {@code 12345^HOSP}, as HL7 PID-3 {@code
 * 12345^^^HOSP}); a line whose identifier names another type or authority than a selecting rule asks for is {@link
 * ParsedLine.Rejected}.
 */
public final class NdjsonReadings {

    /** The {@code source} of every reading read from NDJSON. */
    public static final String SOURCE = "ndjson";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final Clock clock;
    private final PatientIdRule rule;

    /** @param clock gives {@code receivedAt}, the instant a line is parsed */
    public NdjsonReadings(Clock clock) {
        this(clock, PatientIdRule.BARE);
    }

    /**
     * @param clock gives {@code receivedAt}, the instant a line is parsed
     * @param rule makes the patient key of {@code patientId} with its optional {@code patientIdAuthority} and {@code
     *     patientIdType} ({@link PatientIdRule#keyOfSole})
     */
    public NdjsonReadings(Clock clock, PatientIdRule rule) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** Parses one line; never throws on bad input. */
    public ParsedLine<RawReading> parse(String line) {
        try {
            JsonObjectLine json = JsonObjectLine.read(line);
            Result<Optional<String>> patientKey = patientKey(json, rule);
            if (patientKey.isRejected()) {
                return new ParsedLine.Rejected<>(patientKey.rejection());
            }
            ResultStatus status = json.constant("status", ResultStatus.class);
            return new ParsedLine.Parsed<>(new RawReading(
                    json.string("readingId"),
                    json.integer("revision", 0),
                    patientKey.value().orElse(null),
                    json.string("loinc"),
                    json.string("analyte"),
                    json.stringOrNumber("value"),
                    json.string("unit"),
                    json.instant("observedAt"),
                    status == null ? ResultStatus.FINAL : status,
                    json.string("referenceRange"),
                    json.string("abnormalFlags"),
                    SOURCE,
                    clock.instant()));
        } catch (JsonObjectLine.Unreadable e) {
            return new ParsedLine.Malformed<>(e.getMessage());
        }
    }

    /** Parses one line of a file; a malformed or rejected reason starts with the line number. */
    public ParsedLine<RawReading> parse(NdjsonFile.Line line) {
        return numbered(parse(line.text()), line);
    }

    static <T> ParsedLine<T> numbered(ParsedLine<T> parsed, NdjsonFile.Line line) {
        if (parsed instanceof ParsedLine.Malformed<T> malformed) {
            return new ParsedLine.Malformed<>("line " + line.number() + ": " + malformed.reason());
        }
        if (parsed instanceof ParsedLine.Rejected<T> rejected) {
            Rejection r = rejected.rejection();
            return new ParsedLine.Rejected<>(new Rejection(r.code(), "line " + line.number() + ": " + r.message()));
        }
        return parsed;
    }

    /**
     * The record key: {@code patientId} by the rule, with {@code patientIdAuthority} and {@code patientIdType} when
     * the line has them; a blank {@code patientId} as it is, and none when the line has none (validation rejects
     * both as {@code MISSING_FIELD}).
     */
    static Result<Optional<String>> patientKey(JsonObjectLine json, PatientIdRule rule)
            throws JsonObjectLine.Unreadable {
        String id = json.string("patientId");
        if (id == null || id.isBlank()) {
            return Result.ok(Optional.ofNullable(id));
        }
        return rule.keyOfSole(new PatientIdentifier(
                        id, json.string("patientIdType"), json.string("patientIdAuthority"), null))
                .map(Optional::of);
    }

    /**
     * One NDJSON line for a reading, without a line terminator: the inverse of {@link #parse(String)} for fixtures
     * and the synthetic demo. Null fields are left out; {@code value} is always written as a string so that it keeps
     * its text; {@code source} and {@code receivedAt} are not part of the file format and are not written.
     */
    public static String toJson(RawReading reading) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            writeIfPresent(json, "readingId", reading.readingId());
            json.writeNumberField("revision", reading.revision());
            writeIfPresent(json, "patientId", reading.patientId());
            writeIfPresent(json, "loinc", reading.loinc());
            writeIfPresent(json, "analyte", reading.analyte());
            writeIfPresent(json, "value", reading.value());
            writeIfPresent(json, "unit", reading.unit());
            writeIfPresent(json, "observedAt", reading.observedAt());
            json.writeStringField("status", reading.status().name());
            writeIfPresent(json, "referenceRange", reading.referenceRange());
            writeIfPresent(json, "abnormalFlags", reading.abnormalFlags());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static void writeIfPresent(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    static void writeIfPresent(JsonGenerator json, String name, Instant value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value.toString());
        }
    }
}
