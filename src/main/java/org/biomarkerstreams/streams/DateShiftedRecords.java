package org.biomarkerstreams.streams;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.biomarkerstreams.domain.DateShift;

/**
 * Applies a {@link DateShift} to a per-patient output record: a copy in which every absolute time ({@code
 * timestamp-millis}, {@code timestamp-micros} and {@code date} fields, in nested records, arrays and maps too) is moved
 * by the shift of the patient the record shows in its {@code patientId} field (the id, or its pseudonym: the same
 * patient either way). Intervals it carries (study days, hours since anchor, {@code aval}) are left as they are, which
 * is what keeps them true. A record without a {@code patientId} (cohort outputs, dead letters) is returned unchanged.
 */
public final class DateShiftedRecords {

    private DateShiftedRecords() {}

    /** The record with its patient's times shifted; the record itself when there is nothing to shift. */
    public static <V extends IndexedRecord> V shift(V record, DateShift shift) {
        if (record == null || !shift.enabled()) {
            return record;
        }
        Schema.Field patientField = record.getSchema().getField("patientId");
        Object patient = patientField == null ? null : record.get(patientField.pos());
        if (patient == null) {
            return record;
        }
        int days = shift.days(patient.toString());
        @SuppressWarnings("unchecked") // a deep copy has the class of its original
        V copy = (V) SpecificData.getForClass(record.getClass()).deepCopy(record.getSchema(), record);
        shiftRecord(copy, days);
        return copy;
    }

    private static void shiftRecord(IndexedRecord record, int days) {
        for (Schema.Field field : record.getSchema().getFields()) {
            record.put(field.pos(), shifted(field.schema(), record.get(field.pos()), days));
        }
    }

    @SuppressWarnings("unchecked") // Avro's containers hold the values their schema says
    private static Object shifted(Schema schema, Object value, int days) {
        if (value == null) {
            return null;
        }
        switch (schema.getType()) {
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (holds(branch, value)) {
                        return shifted(branch, value, days);
                    }
                }
                return value;
            }
            case RECORD -> {
                shiftRecord((IndexedRecord) value, days);
                return value;
            }
            case ARRAY -> {
                List<Object> list = (List<Object>) value;
                for (int i = 0; i < list.size(); i++) {
                    list.set(i, shifted(schema.getElementType(), list.get(i), days));
                }
                return list;
            }
            case MAP -> {
                for (Map.Entry<Object, Object> e : ((Map<Object, Object>) value).entrySet()) {
                    e.setValue(shifted(schema.getValueType(), e.getValue(), days));
                }
                return value;
            }
            case LONG -> {
                return shiftedLong(schema.getLogicalType(), value, days);
            }
            case INT -> {
                LogicalType logical = schema.getLogicalType();
                if (logical != null && logical.getName().equals("date")) {
                    return value instanceof LocalDate date ? date.plusDays(days) : (Integer) value + days;
                }
                return value;
            }
            default -> {
                return value;
            }
        }
    }

    private static Object shiftedLong(LogicalType logical, Object value, int days) {
        String name = logical == null ? "" : logical.getName();
        Duration by = Duration.ofDays(days);
        if (value instanceof Instant instant) {
            return instant.plus(by);
        }
        return switch (name) {
            case "timestamp-millis" -> (Long) value + by.toMillis();
            case "timestamp-micros" -> (Long) value + by.toMillis() * 1000L;
            default -> value;
        };
    }

    private static boolean holds(Schema branch, Object value) {
        return switch (branch.getType()) {
            case RECORD ->
                value instanceof IndexedRecord r && r.getSchema().getFullName().equals(branch.getFullName());
            case ARRAY -> value instanceof Collection<?>;
            case MAP -> value instanceof Map<?, ?>;
            case LONG -> value instanceof Long || value instanceof Instant;
            case INT -> value instanceof Integer || value instanceof LocalDate;
            default -> false;
        };
    }
}
