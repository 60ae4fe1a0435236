package org.biomarkerstreams.app.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.VisitWindow;

/**
 * A CDISC Dataset-JSON 1.1 file of an ADaM-like analysis dataset: {@code adlb.json} (one row per reading, from the
 * final trajectory points) or {@code adtte.json} (one row per patient and primary analyte at risk, from time to
 * normalization). Variables and their derivation: docs/architecture.md, "Output files". Dates follow the standard's
 * ADaM convention: ISO 8601 strings in the site zone, {@code targetDataType} integer, so that SAS and R read them as
 * dates. The rows are kept in memory, as the records are (one per reading).
 */
public final class DatasetJsonFile implements TopicFile {

    static final String VERSION = "1.1.0";
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Local date and time to the second, seconds always written (LocalDateTime#toString drops ":00"). */
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private final Path target;
    private final Dataset dataset;
    private final StudyMetadata study;
    private final List<IndexedRecord> records = new ArrayList<>();

    private DatasetJsonFile(Path target, Dataset dataset, StudyMetadata study) {
        this.target = target;
        this.dataset = dataset;
        this.study = study;
    }

    /** ADLB from the final trajectory points of {@code dir}'s export. */
    public static DatasetJsonFile adlb(Path dir, StudyMetadata study) {
        return new DatasetJsonFile(dir.resolve("adlb.json"), Dataset.ADLB, study);
    }

    /** ADTTE from the final time-to-normalization records. */
    public static DatasetJsonFile adtte(Path dir, StudyMetadata study) {
        return new DatasetJsonFile(dir.resolve("adtte.json"), Dataset.ADTTE, study);
    }

    @Override
    public void add(IndexedRecord record) {
        records.add(record);
    }

    @Override
    public List<Written> commit() throws IOException {
        List<Variable> variables = dataset.variables;
        List<List<Object>> rows = dataset == Dataset.ADLB ? adlbRows() : adtteRows();
        Path partial = TopicFile.partial(target);
        try {
            try (OutputStream out = Files.newOutputStream(partial);
                    JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField(
                        "datasetJSONCreationDateTime",
                        study.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
                json.writeStringField("datasetJSONVersion", VERSION);
                json.writeStringField("fileOID", "biomarker-streams." + study.studyId() + "." + dataset.name());
                json.writeStringField("originator", "biomarker-streams");
                json.writeObjectFieldStart("sourceSystem");
                json.writeStringField("name", "biomarker-streams");
                json.writeStringField("version", study.version());
                json.writeEndObject();
                json.writeStringField("studyOID", study.studyId());
                json.writeStringField("itemGroupOID", "IG." + dataset.name());
                json.writeNumberField("records", rows.size());
                json.writeStringField("name", dataset.name());
                json.writeStringField("label", dataset.label);
                json.writeArrayFieldStart("columns");
                for (int i = 0; i < variables.size(); i++) {
                    writeColumn(json, variables.get(i), i, rows);
                }
                json.writeEndArray();
                json.writeArrayFieldStart("rows");
                for (List<Object> row : rows) {
                    json.writeStartArray();
                    for (Object value : row) {
                        writeValue(json, value);
                    }
                    json.writeEndArray();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            TopicFile.replace(partial, target);
        } finally {
            TopicFile.discard(partial);
        }
        return List.of(new Written(target, rows.size()));
    }

    @Override
    public void abandon() {
        records.clear();
    }

    private void writeColumn(JsonGenerator json, Variable v, int index, List<List<Object>> rows) throws IOException {
        json.writeStartObject();
        json.writeStringField("itemOID", "IT." + dataset.name() + "." + v.name);
        json.writeStringField("name", v.name);
        json.writeStringField("label", v.label);
        json.writeStringField("dataType", v.type.dataType);
        if (v.type.targetDataType != null) {
            json.writeStringField("targetDataType", v.type.targetDataType);
        }
        if (v.type == Type.TEXT) {
            // The longest value, as Define-XML's planned length; 1 for a column without values (length >= 1).
            int length = 1;
            for (List<Object> row : rows) {
                if (row.get(index) instanceof String s) {
                    length = Math.max(length, s.length());
                }
            }
            json.writeNumberField("length", length);
        }
        if (v.type.displayFormat != null) {
            json.writeStringField("displayFormat", v.type.displayFormat);
        }
        if (v.keySequence > 0) {
            json.writeNumberField("keySequence", v.keySequence);
        }
        json.writeEndObject();
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Integer i) {
            json.writeNumber(i);
        } else if (value instanceof Double d) {
            json.writeNumber(d);
        } else {
            throw new IllegalStateException("no Dataset-JSON value for " + value.getClass());
        }
    }

    private List<List<Object>> adlbRows() {
        List<TrajectoryPoint> points = new ArrayList<>();
        for (IndexedRecord r : records) {
            TrajectoryPoint p = (TrajectoryPoint) r;
            if (!p.getRetracted()) {
                points.add(p);
            }
        }
        // BASE is the value of the patient's baseline record for the analyte: the point flagged ABLFL.
        Map<String, Double> base = new HashMap<>();
        for (TrajectoryPoint p : points) {
            if (p.getBaselineFlag()) {
                base.put(p.getPatientId() + "\0" + p.getAnalyte(), p.getValue());
            }
        }
        points.sort(Comparator.comparing(TrajectoryPoint::getPatientId)
                .thenComparing(TrajectoryPoint::getAnalyte)
                .thenComparing(TrajectoryPoint::getObservedAt)
                .thenComparing(TrajectoryPoint::getReadingId));
        List<List<Object>> rows = new ArrayList<>();
        for (TrajectoryPoint p : points) {
            List<Object> row = new ArrayList<>();
            row.add(study.studyId());
            row.add(p.getPatientId());
            row.add(p.getAnalyte());
            row.add(param(p.getAnalyte()) + " (" + p.getUnit() + ")");
            row.add(p.getReadingId());
            row.add(dateTime(p.getObservedAt()));
            row.add(date(p.getObservedAt()));
            row.add(p.getAdy());
            row.add(p.getBaselineFlag() ? Protocol.BASELINE : visit(p.getPdy()));
            row.add(p.getValue());
            row.add(p.getUnit());
            row.add(base.get(p.getPatientId() + "\0" + p.getAnalyte()));
            row.add(p.getChg());
            row.add(p.getPchg());
            row.add(p.getBaselineFlag() ? "Y" : null);
            row.add(p.getRangeLow());
            row.add(p.getRangeHigh());
            row.add(p.getAnrind() == null ? null : p.getAnrind().name());
            rows.add(row);
        }
        return rows;
    }

    private List<List<Object>> adtteRows() {
        List<org.biomarkerstreams.avro.TimeToNormalization> atRisk = new ArrayList<>();
        for (IndexedRecord r : records) {
            var t = (org.biomarkerstreams.avro.TimeToNormalization) r;
            // Not at risk (no anchor, no baseline, normal at baseline): no time to an event, no ADTTE row.
            if (t.getAval() != null && t.getCnsr() != null) {
                atRisk.add(t);
            }
        }
        atRisk.sort(Comparator.comparing(org.biomarkerstreams.avro.TimeToNormalization::getPatientId)
                .thenComparing(org.biomarkerstreams.avro.TimeToNormalization::getAnalyte));
        List<List<Object>> rows = new ArrayList<>();
        for (var t : atRisk) {
            List<Object> row = new ArrayList<>();
            row.add(study.studyId());
            row.add(t.getPatientId());
            row.add(t.getArm());
            row.add(t.getAnalyte());
            row.add("Time to normalization of " + param(t.getAnalyte()) + " (days)");
            row.add(t.getAval());
            row.add("DAYS");
            row.add(date(t.getAnchorAt()));
            row.add(date(t.getAdt()));
            row.add(t.getCnsr());
            row.add(t.getEvntdesc());
            row.add(t.getProvisional() ? "Y" : null);
            rows.add(row);
        }
        return rows;
    }

    private String param(String paramcd) {
        return study.analyteNames().getOrDefault(paramcd, paramcd);
    }

    private String visit(Integer pdy) {
        if (pdy == null) {
            return null;
        }
        for (VisitWindow w : study.visits()) {
            if (w.contains(pdy)) {
                return w.name();
            }
        }
        return null;
    }

    private String dateTime(Instant at) {
        return at == null ? null : DATE_TIME.format(LocalDateTime.ofInstant(at, study.zone()));
    }

    private String date(Instant at) {
        return at == null ? null : at.atZone(study.zone()).toLocalDate().toString();
    }

    /** How a variable is written: its Dataset-JSON data type and, for ADaM dates, the target type and format. */
    enum Type {
        TEXT("string", null, null),
        INTEGER("integer", null, null),
        DOUBLE("double", null, null),
        DATE("date", "integer", "E8601DA."),
        DATETIME("datetime", "integer", "E8601DT.");

        final String dataType;
        final String targetDataType;
        final String displayFormat;

        Type(String dataType, String targetDataType, String displayFormat) {
            this.dataType = dataType;
            this.targetDataType = targetDataType;
            this.displayFormat = displayFormat;
        }
    }

    record Variable(String name, String label, Type type, int keySequence) {
        static Variable of(String name, String label, Type type) {
            return new Variable(name, label, type, 0);
        }
    }

    /** The two datasets, with their variables in row order. */
    enum Dataset {
        ADLB(
                "Analysis Dataset Laboratory (biomarker trajectory)",
                List.of(
                        Variable.of("STUDYID", "Study Identifier", Type.TEXT),
                        new Variable("USUBJID", "Unique Subject Identifier", Type.TEXT, 1),
                        new Variable("PARAMCD", "Parameter Code", Type.TEXT, 2),
                        Variable.of("PARAM", "Parameter", Type.TEXT),
                        new Variable("LBREFID", "Reading Identifier", Type.TEXT, 4),
                        new Variable("ADTM", "Analysis Datetime", Type.DATETIME, 3),
                        Variable.of("ADT", "Analysis Date", Type.DATE),
                        Variable.of("ADY", "Analysis Relative Day", Type.INTEGER),
                        Variable.of("AVISIT", "Analysis Visit", Type.TEXT),
                        Variable.of("AVAL", "Analysis Value", Type.DOUBLE),
                        Variable.of("AVALU", "Analysis Value Unit", Type.TEXT),
                        Variable.of("BASE", "Baseline Value", Type.DOUBLE),
                        Variable.of("CHG", "Change from Baseline", Type.DOUBLE),
                        Variable.of("PCHG", "Percent Change from Baseline", Type.DOUBLE),
                        Variable.of("ABLFL", "Baseline Record Flag", Type.TEXT),
                        Variable.of("ANRLO", "Analysis Normal Range Lower Limit", Type.DOUBLE),
                        Variable.of("ANRHI", "Analysis Normal Range Upper Limit", Type.DOUBLE),
                        Variable.of("ANRIND", "Analysis Reference Range Indicator", Type.TEXT))),
        ADTTE(
                "Analysis Dataset Time to Normalization",
                List.of(
                        Variable.of("STUDYID", "Study Identifier", Type.TEXT),
                        new Variable("USUBJID", "Unique Subject Identifier", Type.TEXT, 1),
                        Variable.of("ARM", "Description of Planned Arm", Type.TEXT),
                        new Variable("PARAMCD", "Parameter Code", Type.TEXT, 2),
                        Variable.of("PARAM", "Parameter", Type.TEXT),
                        Variable.of("AVAL", "Analysis Value", Type.DOUBLE),
                        Variable.of("AVALU", "Analysis Value Unit", Type.TEXT),
                        Variable.of("STARTDT", "Time-to-Event Origin Date for Subject", Type.DATE),
                        Variable.of("ADT", "Analysis Date", Type.DATE),
                        Variable.of("CNSR", "Censor", Type.INTEGER),
                        Variable.of("EVNTDESC", "Event or Censoring Description", Type.TEXT),
                        Variable.of("PROVFL", "Provisional Record Flag", Type.TEXT)));

        final String label;
        final List<Variable> variables;

        Dataset(String label, List<Variable> variables) {
            this.label = label;
            this.variables = variables;
        }

        /** The variable names, in column order. */
        List<String> names() {
            return variables.stream().map(Variable::name).toList();
        }
    }
}
