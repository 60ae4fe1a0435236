package org.biomarkerstreams.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.VisitWindow;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.StoreKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the JSON API from interactive queries. A patient request is answered from the local store when
 * this instance owns the patient's partition, and otherwise forwarded once to the owner's {@code
 * application.server}; cohort requests are answered from the global stores every instance has. Records
 * are written with their Avro field names ({@link AvroJson}).
 *
 * <p>Statuses: 400 for an analyte the site profile does not know, 404 for a patient with no data, 503
 * (with Retry-After) while stores are not queryable or ownership is unknown or moving.
 */
final class QueryService {

    private static final Logger log = LoggerFactory.getLogger(QueryService.class);

    private final SiteProfile profile;
    private final Forwarder forwarder;
    private volatile Attached attached;

    private final Blinding blinding;
    private final Protocol protocol;
    private final Study study;

    private record Attached(QueryViews views, HostInfo self) {}

    QueryService(SiteProfile profile, Forwarder forwarder) {
        this(profile, Blinding.none(), forwarder);
    }

    /** A blinded protocol's arms are shown by their neutral codes in patient answers too (the dashboard's patient view). */
    QueryService(SiteProfile profile, Blinding blinding, Forwarder forwarder) {
        this(profile, Protocol.defaults(), blinding, Study.of(Protocol.defaults()), forwarder);
    }

    /**
     * Answers {@code /api/protocol} from the protocol's rules and its file's description; arms are shown as {@code
     * blinding} says.
     */
    QueryService(SiteProfile profile, Protocol protocol, Blinding blinding, Study study, Forwarder forwarder) {
        this.profile = profile;
        this.protocol = protocol;
        this.blinding = blinding;
        this.study = study;
        this.forwarder = forwarder;
    }

    /** From now on, answer from these views; {@code self} is this instance's {@code application.server}. */
    void attach(QueryViews views, HostInfo self) {
        this.attached = new Attached(views, self);
    }

    /**
     * The reply to an API request (not an asset).
     *
     * @param origin whether it was forwarded (then it is never forwarded again), and what to forward
     */
    Reply handle(ApiRequest request, Origin origin) {
        try {
            if (request instanceof ApiRequest.Live) {
                return live();
            } else if (request instanceof ApiRequest.Ready) {
                return ready();
            } else if (request instanceof ApiRequest.Analytes) {
                return analytes();
            } else if (request instanceof ApiRequest.StudyProtocol) {
                return protocol(origin);
            } else if (request instanceof ApiRequest.PatientRequest p) {
                return patient(p, origin);
            } else if (request instanceof ApiRequest.CohortVisits v) {
                return cohort(v, origin, "visits", (views, analyte) -> views.visits(analyte));
            } else if (request instanceof ApiRequest.CohortNormalization n) {
                return cohort(n, origin, "curves", (views, analyte) -> views.curves(analyte));
            }
            return Reply.error(404, "not an API route");
        } catch (InvalidStateStoreException e) {
            // Rebalancing, restoring, starting or stopping: the caller should retry shortly.
            log.debug(
                    "{} not answerable now: {}",
                    request.template(),
                    e.getClass().getSimpleName());
            return unavailable("state stores are not queryable right now (rebalancing or restoring); retry");
        } catch (StreamsException | IllegalStateException e) {
            // Not started or already closed; the message names no key.
            log.warn("{} not answerable: {}", request.template(), e.toString());
            return unavailable("the topology is not running; retry");
        }
    }

    private Reply live() {
        Attached a = attached;
        KafkaStreams.State s = a == null ? null : a.views().state();
        boolean dead = s == KafkaStreams.State.ERROR
                || s == KafkaStreams.State.PENDING_ERROR
                || s == KafkaStreams.State.NOT_RUNNING;
        return status(dead ? 503 : 200, s);
    }

    private Reply ready() {
        Attached a = attached;
        KafkaStreams.State s = a == null ? null : a.views().state();
        return status(s == KafkaStreams.State.RUNNING ? 200 : 503, s);
    }

    private static Reply status(int code, KafkaStreams.State s) {
        return Reply.json(code, json -> {
            json.writeStartObject();
            json.writeStringField("state", s == null ? "STARTING" : s.name());
            json.writeEndObject();
        });
    }

    private Reply analytes() {
        return Reply.json(200, json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("analytes");
            for (AnalyteDefinition a : profile.analytes()) {
                json.writeStartObject();
                json.writeStringField("analyte", a.paramcd());
                json.writeStringField("name", a.name());
                json.writeStringField("unit", a.canonicalUnit());
                json.writeStringField("role", a.role().name());
                json.writeArrayFieldStart("intervals");
                for (Map.Entry<AssayType, ReferenceInterval> e : new java.util.TreeMap<>(a.intervals()).entrySet()) {
                    ReferenceInterval i = e.getValue();
                    json.writeStartObject();
                    json.writeStringField(
                            "assayType",
                            e.getKey() == AssayType.NONE ? null : e.getKey().name());
                    writeNullable(json, "low", i.low());
                    writeNullable(json, "high", i.high());
                    json.writeBooleanField("lowInclusive", i.lowInclusive());
                    json.writeBooleanField("highInclusive", i.highInclusive());
                    json.writeStringField("text", i.text());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /**
     * The study as the dashboard labels it. Days are written in the protocol's convention ({@code day}, {@code low},
     * {@code high}) and as protocol days ({@code *Pdy}, infusion day 0), so a chart can place a window by either.
     * A blinded protocol's arms are its neutral codes, sorted so that the file's order gives nothing away.
     */
    private Reply protocol(Origin origin) {
        boolean shownBlinded = blinding.blinded() && origin.armLabels() != Origin.ArmLabels.UNBLINDED;
        List<String> arms = shownBlinded
                ? study.arms().stream().map(blinding::label).sorted().toList()
                : study.arms();
        return Reply.json(200, json -> {
            json.writeStartObject();
            json.writeStringField("name", protocol.name());
            json.writeStringField("title", study.title());
            json.writeStringField("citation", study.citation());
            json.writeStringField("dayConvention", study.days().name());
            json.writeStringField("timeZone", protocol.zone().getId());
            json.writeBooleanField("blinded", shownBlinded);
            json.writeArrayFieldStart("arms");
            for (String arm : arms) {
                json.writeString(arm);
            }
            json.writeEndArray();
            json.writeNumberField("quantileType", protocol.quantileType().number());
            json.writeNumberField("followUpDays", days(protocol.followUp()));
            json.writeNumberField("baselineWindowDays", days(protocol.baselineWindow()));
            json.writeArrayFieldStart("visits");
            // The baseline window ends on the anchor day; its reading stands for day 0 (PDY) or 1 (ADY).
            int baselineFrom = -(int) Math.ceil(days(protocol.baselineWindow()));
            writeVisit(json, new VisitWindow(Protocol.BASELINE, 0, baselineFrom, 0));
            for (VisitWindow v : protocol.visits().stream()
                    .sorted(Comparator.comparingInt(VisitWindow::targetDay))
                    .toList()) {
                writeVisit(json, v);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void writeVisit(JsonGenerator json, VisitWindow v) throws IOException {
        json.writeStartObject();
        json.writeStringField("visit", v.name());
        json.writeNumberField("day", inConvention(v.targetDay()));
        json.writeNumberField("low", inConvention(v.fromDay()));
        json.writeNumberField("high", inConvention(v.toDay()));
        json.writeNumberField("dayPdy", v.targetDay());
        json.writeNumberField("lowPdy", v.fromDay());
        json.writeNumberField("highPdy", v.toDay());
        json.writeEndObject();
    }

    private int inConvention(int pdy) {
        return study.days() == Study.DayNumbers.ADY ? StudyDay.adyFromPdy(pdy) : pdy;
    }

    private static double days(Duration d) {
        return d.toMillis() / 86_400_000.0;
    }

    private static void writeNullable(JsonGenerator json, String field, Double value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, value);
        }
    }

    /**
     * Cohort records as an unblinded caller sees them: the arm and the log-rank test's arms by their true labels
     * (the topology writes them blinded); as they are for everyone else.
     */
    private List<? extends IndexedRecord> unblinded(List<? extends IndexedRecord> records, Origin origin) {
        if (!blinding.blinded() || origin.armLabels() != Origin.ArmLabels.UNBLINDED) {
            return records;
        }
        return records.stream().map(this::unblinded).toList();
    }

    private IndexedRecord unblinded(IndexedRecord record) {
        IndexedRecord copy = (IndexedRecord) SpecificData.get().deepCopy(record.getSchema(), record);
        Schema.Field arm = copy.getSchema().getField("arm");
        if (arm != null && copy.get(arm.pos()) != null) {
            copy.put(arm.pos(), blinding.unblind(copy.get(arm.pos()).toString()));
        }
        Schema.Field logRank = copy.getSchema().getField("logRank");
        if (logRank != null && copy.get(logRank.pos()) instanceof IndexedRecord test) {
            Schema.Field arms = test.getSchema().getField("arms");
            if (arms != null && test.get(arms.pos()) instanceof List<?> labels) {
                test.put(
                        arms.pos(),
                        labels.stream().map(l -> blinding.unblind(l.toString())).toList());
            }
        }
        return copy;
    }

    private BiomarkerSummary blinded(BiomarkerSummary s, Origin origin) {
        return blinding.blinded() && s.getArm() != null && origin.armLabels() != Origin.ArmLabels.UNBLINDED
                ? BiomarkerSummary.newBuilder(s)
                        .setArm(blinding.label(s.getArm()))
                        .build()
                : s;
    }

    private TimeToNormalization blinded(TimeToNormalization t, Origin origin) {
        return blinding.blinded() && t.getArm() != null && origin.armLabels() != Origin.ArmLabels.UNBLINDED
                ? TimeToNormalization.newBuilder(t)
                        .setArm(blinding.label(t.getArm()))
                        .build()
                : t;
    }

    /**
     * What one patient's views hold: its summaries, time-to-normalization records and infusions, and its points of
     * one analyte (or, null, all).
     */
    private record PatientRecords(
            List<BiomarkerSummary> summaries,
            Supplier<List<TimeToNormalization>> timeToNormalization,
            Supplier<List<Instant>> infusions,
            Function<String, List<TrajectoryPoint>> pointsOf) {}

    private Reply patient(ApiRequest.PatientRequest request, Origin origin) {
        String only = null;
        if (request instanceof ApiRequest.PatientTrajectory t && t.analyte() != null) {
            Optional<String> analyte = canonical(t.analyte());
            if (analyte.isEmpty()) {
                return unknownAnalyte();
            }
            only = analyte.get();
        }
        Attached a = attached;
        if (a == null) {
            return unavailable("the topology is starting; retry");
        }
        String patientId = request.patientId();
        if (!StoreKeys.isKeySafe(patientId)) {
            return unknownPatient();
        }
        KeyQueryMetadata owner = a.views().owner(patientId);
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE) || owner.partition() < 0) {
            return unavailable("the owner of this patient is not known yet (rebalancing); retry");
        }
        if (!owner.activeHost().equals(a.self())) {
            if (origin.forwarded()) {
                // The forwarding instance's metadata is stale, or ours is: do not bounce the request around.
                return unavailable("this patient's partition is moving between instances; retry");
            }
            return forward(owner.activeHost(), origin);
        }
        int partition = owner.partition();
        return answer(
                a.views().shown(patientId),
                request,
                origin,
                only,
                new PatientRecords(
                        a.views().summaries(partition, patientId),
                        () -> a.views().timeToNormalization(partition, patientId),
                        () -> a.views().infusions(partition, patientId),
                        which -> a.views().trajectory(partition, patientId, which)));
    }

    /**
     * The reply to a patient request from the patient's records ({@code only}: one analyte's points, or all);
     * {@code shown} stands for the patient in the answer (its pseudonym with a pseudonym key).
     */
    private Reply answer(
            String shown, ApiRequest.PatientRequest request, Origin origin, String only, PatientRecords records) {
        List<BiomarkerSummary> summaries =
                records.summaries().stream().map(s -> blinded(s, origin)).toList();
        Function<String, List<TrajectoryPoint>> pointsOf = records.pointsOf();
        if (request instanceof ApiRequest.PatientSummary) {
            if (summaries.isEmpty()) {
                return unknownPatient();
            }
            List<Instant> infusions = records.infusions().get();
            return Reply.json(200, json -> {
                json.writeStartObject();
                json.writeStringField("patientId", shown);
                writeRecords(json, "summaries", summaries);
                json.writeArrayFieldStart("infusions");
                for (Instant at : infusions) {
                    json.writeString(at.toString());
                }
                json.writeEndArray();
                json.writeEndObject();
            });
        }
        if (request instanceof ApiRequest.PatientTimeToNormalization) {
            // A patient with summaries but no time-to-normalization record yet (no anchor) answers an empty list.
            List<TimeToNormalization> ttn = records.timeToNormalization().get().stream()
                    .map(t -> blinded(t, origin))
                    .toList();
            return ttn.isEmpty() && summaries.isEmpty()
                    ? unknownPatient()
                    : Reply.json(200, json -> {
                        json.writeStartObject();
                        json.writeStringField("patientId", shown);
                        writeRecords(json, "timeToNormalization", ttn);
                        json.writeEndObject();
                    });
        }
        List<TrajectoryPoint> points = pointsOf.apply(only);
        if (points.isEmpty()
                && summaries.isEmpty()
                && (only == null || pointsOf.apply(null).isEmpty())) {
            return unknownPatient();
        }
        return Reply.json(200, json -> {
            json.writeStartObject();
            json.writeStringField("patientId", shown);
            json.writeStringField("analyte", only);
            writeRecords(json, "points", points);
            json.writeEndObject();
        });
    }

    private Reply forward(HostInfo owner, Origin origin) {
        try {
            return forwarder.forward(owner, origin);
        } catch (IOException e) {
            log.warn(
                    "Could not forward a patient request to its owner {}:{}: {}",
                    owner.host(),
                    owner.port(),
                    e.toString());
            return unavailable("the instance that owns this patient cannot be reached; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted while forwarding; retry");
        }
    }

    private Reply cohort(
            ApiRequest.CohortRequest request,
            Origin origin,
            String field,
            BiFunction<QueryViews, String, List<? extends IndexedRecord>> records) {
        String analyte = null;
        if (request.analyte() != null) {
            Optional<String> known = canonical(request.analyte());
            if (known.isEmpty()) {
                return unknownAnalyte();
            }
            analyte = known.get();
        }
        Attached a = attached;
        if (a == null) {
            return unavailable("the topology is starting; retry");
        }
        List<? extends IndexedRecord> answer = unblinded(records.apply(a.views(), analyte), origin);
        String only = analyte;
        return Reply.json(200, json -> {
            json.writeStartObject();
            json.writeStringField("analyte", only);
            writeRecords(json, field, answer);
            json.writeEndObject();
        });
    }

    private Optional<String> canonical(String analyte) {
        return profile.analyte(analyte).map(AnalyteDefinition::paramcd);
    }

    private static void writeRecords(JsonGenerator json, String field, List<? extends IndexedRecord> records)
            throws IOException {
        json.writeArrayFieldStart(field);
        for (IndexedRecord r : records) {
            json.writeRawValue(AvroJson.toJson(r));
        }
        json.writeEndArray();
    }

    private Reply unknownAnalyte() {
        return Reply.error(400, "unknown analyte; known: " + String.join(", ", knownAnalytes()));
    }

    private List<String> knownAnalytes() {
        return profile.analytes().stream().map(AnalyteDefinition::paramcd).toList();
    }

    private static Reply unknownPatient() {
        return Reply.error(404, "no data for this patient");
    }

    private static Reply unavailable(String message) {
        return Reply.error(503, message);
    }
}
