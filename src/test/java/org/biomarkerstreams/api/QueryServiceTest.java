package org.biomarkerstreams.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.VisitWindow;
import org.biomarkerstreams.streams.AvroJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QueryServiceTest {

    private static final HostInfo SELF = new HostInfo("a", 1);
    private static final HostInfo OTHER = new HostInfo("b", 2);

    private final FakeViews views = new FakeViews();
    private final List<String> forwarded = new ArrayList<>();
    private Forwarder forwarder = (owner, origin) -> {
        forwarded.add(owner.host() + ":" + owner.port() + origin.rawPathAndQuery());
        return new Reply(200, Reply.JSON, "{\"from\":\"owner\"}".getBytes());
    };
    private final QueryService service = new QueryService(SiteProfile.defaults(), (o, p) -> forwarder.forward(o, p));

    QueryServiceTest() {
        service.attach(views, SELF);
    }

    private Reply get(ApiRequest request) {
        return service.handle(request, new Origin(false, "/the/raw?path", null));
    }

    @Test
    void shouldAnswerFromLocalStoreWithAvroFieldNamesWhenThisInstanceOwnsPatient() {
        views.owner = SELF;
        views.points = List.of(point("P1", "CRP", "r1", 12.5));
        views.summaries = List.of(summary("P1", "CRP"));

        Reply reply = get(new ApiRequest.PatientTrajectory("P1", "crp"));

        assertThat(reply.status()).isEqualTo(200);
        Map<String, Object> json = AvroJson.parse(reply.text());
        assertThat(json).containsEntry("patientId", "P1").containsEntry("analyte", "CRP");
        assertThat((List<?>) json.get("points")).singleElement().satisfies(p -> assertThat(asMap(p))
                .containsEntry("readingId", "r1")
                .containsEntry("value", 12.5)
                .containsEntry("observedAt", "2020-02-13T08:00:00Z")
                .containsKeys("hoursSinceAnchor", "anrind", "retracted"));
        assertThat(views.askedAnalyte).isEqualTo("CRP");
        assertThat(forwarded).isEmpty();
    }

    @Test
    void shouldShowTheNeutralArmCodeInPatientAnswersWhenTheProtocolIsBlinded() {
        Blinding blinding = Blinding.of(List.of("MSC", "PLACEBO"), "key");
        QueryService blinded = new QueryService(SiteProfile.defaults(), blinding, (o, p) -> forwarder.forward(o, p));
        blinded.attach(views, SELF);
        views.owner = SELF;
        views.summaries = List.of(
                BiomarkerSummary.newBuilder(summary("P1", "CRP")).setArm("MSC").build());

        Reply reply = blinded.handle(new ApiRequest.PatientSummary("P1"), new Origin(false, "/the/raw?path", null));

        assertThat(reply.text()).doesNotContain("MSC").contains("\"" + blinding.label("MSC") + "\"");
    }

    @Test
    void shouldShowTheTrueArmsToAnUnblindedCallerInPatientAndCohortAnswers() {
        Blinding blinding = Blinding.of(List.of("MSC", "PLACEBO"), "key");
        QueryService service = new QueryService(SiteProfile.defaults(), blinding, (o, p) -> forwarder.forward(o, p));
        service.attach(views, SELF);
        views.owner = SELF;
        views.summaries = List.of(
                BiomarkerSummary.newBuilder(summary("P1", "CRP")).setArm("MSC").build());
        // The topology writes cohort records blinded.
        views.visits = List.of(visit(blinding.label("PLACEBO"), "CRP", "D7", 9.5));
        Origin unblinded = new Origin(false, "/x", null, Origin.ArmLabels.UNBLINDED);
        Origin blinded = new Origin(false, "/x", null, Origin.ArmLabels.AS_PROTOCOL);

        assertThat(service.handle(new ApiRequest.PatientSummary("P1"), unblinded)
                        .text())
                .contains("\"MSC\"");
        assertThat(service.handle(new ApiRequest.CohortVisits("CRP"), unblinded).text())
                .contains("\"PLACEBO\"")
                .doesNotContain(blinding.label("PLACEBO"));
        assertThat(service.handle(new ApiRequest.CohortVisits("CRP"), blinded).text())
                .contains(blinding.label("PLACEBO"))
                .doesNotContain("\"PLACEBO\"");
        // The stores' records are not changed for the next caller.
        assertThat(views.visits.get(0).getArm()).isEqualTo(blinding.label("PLACEBO"));
    }

    @Test
    void shouldAnswerEachAnalytesTimeToNormalizationWithStatusAvalCnsrAndEventDateWhenTheOwnerHasThem() {
        views.owner = SELF;
        views.summaries = List.of(summary("P1", "CRP"), summary("P1", "IL6"));
        views.ttn = List.of(
                ttn("P1", "CRP", NormalizationStatus.NORMALIZED, 0, 6.25, "NORMALIZED"),
                ttn("P1", "IL6", NormalizationStatus.NOT_YET_NORMALIZED, 1, 13.5, "LAST_READING"));

        Reply reply = get(new ApiRequest.PatientTimeToNormalization("P1"));

        assertThat(reply.status()).isEqualTo(200);
        Map<String, Object> json = AvroJson.parse(reply.text());
        assertThat(json).containsEntry("patientId", "P1");
        List<?> records = (List<?>) json.get("timeToNormalization");
        assertThat(records).hasSize(2);
        assertThat(asMap(records.get(0)))
                .containsEntry("analyte", "CRP")
                .containsEntry("status", "NORMALIZED")
                .containsEntry("aval", 6.25)
                .containsEntry("cnsr", 0)
                .containsEntry("adt", "2020-02-19T14:00:00Z")
                .containsEntry("ady", 7)
                .containsEntry("evntdesc", "NORMALIZED")
                .containsEntry("provisional", true);
        assertThat(asMap(records.get(1)))
                .containsEntry("analyte", "IL6")
                .containsEntry("cnsr", 1)
                .containsEntry("evntdesc", "LAST_READING");
        assertThat(forwarded).isEmpty();
    }

    @Test
    void shouldAnswer404ForTimeToNormalizationWhenThePatientHasNoData() {
        views.owner = SELF;

        Reply reply = get(new ApiRequest.PatientTimeToNormalization("NOBODY"));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.text()).doesNotContain("NOBODY");
    }

    @Test
    void shouldForwardTimeToNormalizationToTheOwnerWhenAnotherInstanceOwnsThePatient() {
        views.owner = OTHER;

        Reply reply = get(new ApiRequest.PatientTimeToNormalization("P1"));

        assertThat(reply.text()).isEqualTo("{\"from\":\"owner\"}");
        assertThat(forwarded).containsExactly("b:2/the/raw?path");
    }

    @Test
    void shouldShowTheNeutralArmCodeInTimeToNormalizationWhenTheProtocolIsBlinded() {
        Blinding blinding = Blinding.of(List.of("MSC", "PLACEBO"), "key");
        QueryService blinded = new QueryService(SiteProfile.defaults(), blinding, (o, p) -> forwarder.forward(o, p));
        blinded.attach(views, SELF);
        views.owner = SELF;
        views.ttn = List.of(
                TimeToNormalization.newBuilder(ttn("P1", "CRP", NormalizationStatus.NORMALIZED, 0, 6.25, "NORMALIZED"))
                        .setArm("MSC")
                        .build());

        Reply reply = blinded.handle(
                new ApiRequest.PatientTimeToNormalization("P1"), new Origin(false, "/the/raw?path", null));

        assertThat(reply.text()).doesNotContain("MSC").contains("\"" + blinding.label("MSC") + "\"");
    }

    @Test
    @SuppressWarnings("unchecked") // JSON arrays parse as lists of objects
    void shouldListThePatientsInfusionsInTheSummaryAnswer() {
        views.owner = SELF;
        views.summaries = List.of(summary("P1", "CRP"));
        views.infusions = List.of(Instant.parse("2020-02-13T10:00:00Z"), Instant.parse("2020-02-15T10:00:00Z"));

        Map<String, Object> json =
                AvroJson.parse(get(new ApiRequest.PatientSummary("P1")).text());

        assertThat((List<Object>) json.get("infusions"))
                .containsExactly("2020-02-13T10:00:00Z", "2020-02-15T10:00:00Z");
    }

    @Test
    @SuppressWarnings("unchecked") // JSON arrays parse as lists of objects
    void shouldDescribeTheProtocolWithVisitsInItsDayConventionAndNeutralArmsWhenBlinded() {
        // Visits are kept in protocol days: PDY 6 is ADY 7 (infusion day 1, no day 0); the baseline window of
        // 7 days ends on the anchor day, PDY 0 = ADY 1, and starts on PDY -7 = ADY -7.
        Protocol rules = new Protocol(
                java.time.ZoneId.of("Asia/Shanghai"),
                List.of(new VisitWindow("D7", 6, 5, 7), new VisitWindow("D28", 27, 24, 30)),
                java.time.Duration.ofDays(7),
                java.time.Duration.ofDays(28),
                org.biomarkerstreams.domain.Confirmation.consecutive(1),
                java.time.Duration.ofDays(1));
        Blinding blinding = Blinding.of(List.of("PLACEBO", "MSC"), "key");
        Study study = new Study("A trial", "Someone 2020", Study.DayNumbers.ADY, List.of("PLACEBO", "MSC"));
        QueryService described =
                new QueryService(SiteProfile.defaults(), rules, blinding, study, (o, p) -> forwarder.forward(o, p));

        Map<String, Object> json = AvroJson.parse(described
                .handle(new ApiRequest.StudyProtocol(), Origin.direct("/api/protocol"))
                .text());
        Map<String, Object> unblinded = AvroJson.parse(described
                .handle(new ApiRequest.StudyProtocol(), new Origin(false, "/x", null, Origin.ArmLabels.UNBLINDED))
                .text());

        assertThat(json)
                .containsEntry("title", "A trial")
                .containsEntry("citation", "Someone 2020")
                .containsEntry("dayConvention", "ADY")
                .containsEntry("timeZone", "Asia/Shanghai")
                .containsEntry("quantileType", 7)
                .containsEntry("followUpDays", 28.0)
                .containsEntry("blinded", true);
        assertThat((List<Object>) json.get("arms"))
                .containsExactlyElementsOf(java.util.stream.Stream.of(blinding.label("PLACEBO"), blinding.label("MSC"))
                        .sorted()
                        .toList());
        assertThat((List<Object>) unblinded.get("arms")).containsExactly("PLACEBO", "MSC");
        List<?> visits = (List<?>) json.get("visits");
        assertThat(visits).hasSize(3);
        assertThat(asMap(visits.get(0)))
                .containsEntry("visit", "BASELINE")
                .containsEntry("day", 1)
                .containsEntry("low", -7)
                .containsEntry("high", 1)
                .containsEntry("lowPdy", -7);
        assertThat(asMap(visits.get(1)))
                .containsEntry("visit", "D7")
                .containsEntry("day", 7)
                .containsEntry("low", 6)
                .containsEntry("high", 8)
                .containsEntry("dayPdy", 6);
    }

    private static final Pseudonym PSEUDONYM = Pseudonym.withKey(new byte[32]);
    private static final String PSN = PSEUDONYM.of("P1");

    @Test
    void shouldAnswerWithThePseudonymInPlaceOfTheIdWhenAskedByIdWithAPseudonymKey() {
        views.pseudonym = PSEUDONYM;
        views.owner = SELF;
        views.points = List.of(point(PSN, "CRP", "r1", 12.5));
        views.summaries = List.of(summary(PSN, "CRP"));

        Reply trajectory = get(new ApiRequest.PatientTrajectory("P1", null));
        Reply summary = get(new ApiRequest.PatientSummary("P1"));

        assertThat(trajectory.status()).isEqualTo(200);
        assertThat(AvroJson.parse(trajectory.text())).containsEntry("patientId", PSN);
        assertThat(AvroJson.parse(summary.text())).containsEntry("patientId", PSN);
        assertThat(trajectory.text() + summary.text()).doesNotContain("\"P1\"");
        assertThat(views.askedPatients).as("the stores are read by id").containsOnly("P1");
        assertThat(forwarded).isEmpty();
    }

    @Test
    void shouldForwardToTheOwnerComputedFromTheIdWithAPseudonymKey() {
        views.pseudonym = PSEUDONYM;
        views.owner = OTHER;

        get(new ApiRequest.PatientSummary("P1"));

        assertThat(views.ownerAskedFor).containsExactly("P1");
        assertThat(forwarded).containsExactly("b:2/the/raw?path");
    }

    @Test
    void shouldAnswer404ForAPseudonymSinceNoTableMapsItBack() {
        views.pseudonym = PSEUDONYM;
        views.owner = SELF;
        views.points = List.of(point(PSN, "CRP", "r1", 12.5));
        views.summaries = List.of(summary(PSN, "CRP"));

        Reply reply = get(new ApiRequest.PatientSummary(PSN));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(views.askedPatients).containsOnly(PSN);
    }

    @Test
    void shouldAnswer404WithoutLookingUpAnIdThatCannotBeAStoreKey() {
        views.owner = SELF;

        assertThat(get(new ApiRequest.PatientSummary("P\u00001")).status()).isEqualTo(404);
        assertThat(views.ownerAskedFor).isEmpty();
    }

    @Test
    void shouldForwardOnceToOwnerWhenAnotherInstanceOwnsPatient() {
        views.owner = OTHER;

        Reply reply = get(new ApiRequest.PatientSummary("P1"));

        assertThat(reply.text()).isEqualTo("{\"from\":\"owner\"}");
        assertThat(forwarded).containsExactly("b:2/the/raw?path");
    }

    @Test
    void shouldAnswer503InsteadOfForwardingAgainWhenForwardedRequestIsNotOurs() {
        views.owner = OTHER;

        Reply reply = service.handle(new ApiRequest.PatientSummary("P1"), new Origin(true, "/x", null));

        assertThat(reply.status()).isEqualTo(503);
        assertThat(forwarded).isEmpty();
    }

    @Test
    void shouldAnswer503WhenOwnerCannotBeReached() {
        views.owner = OTHER;
        forwarder = (o, p) -> {
            throw new ConnectException("refused");
        };

        assertThat(get(new ApiRequest.PatientSummary("P1")).status()).isEqualTo(503);
    }

    @Test
    void shouldAnswer503WhenStoreIsNotQueryableOrOwnerUnknown() {
        views.owner = SELF;
        views.failure = new InvalidStateStoreException("rebalancing");
        assertThat(get(new ApiRequest.PatientTrajectory("P1", null)).status()).isEqualTo(503);
        assertThat(get(new ApiRequest.CohortVisits(null)).status()).isEqualTo(503);

        views.failure = null;
        views.owner = null;
        assertThat(get(new ApiRequest.PatientTrajectory("P1", null)).status()).isEqualTo(503);
    }

    @Test
    void shouldAnswer404WhenPatientHasNoData() {
        views.owner = SELF;

        assertThat(get(new ApiRequest.PatientTrajectory("nobody", null)).status())
                .isEqualTo(404);
        assertThat(get(new ApiRequest.PatientSummary("nobody")).status()).isEqualTo(404);
    }

    @Test
    void shouldAnswerEmptyPointsNot404WhenKnownPatientHasNoReadingOfAnalyte() {
        views.owner = SELF;
        views.summaries = List.of(summary("P1", "CRP"));

        Reply reply = get(new ApiRequest.PatientTrajectory("P1", "IL6"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat((List<?>) AvroJson.parse(reply.text()).get("points")).isEmpty();
    }

    @Test
    void shouldAnswer400WhenAnalyteIsUnknown() {
        views.owner = SELF;

        assertThat(get(new ApiRequest.PatientTrajectory("P1", "NOPE")).status()).isEqualTo(400);
        assertThat(get(new ApiRequest.CohortVisits("NOPE")).status()).isEqualTo(400);
        assertThat(get(new ApiRequest.CohortNormalization("NOPE")).status()).isEqualTo(400);
    }

    @Test
    void shouldAnswerCohortFromGlobalViewsWithoutForwardingWhenAnalyteGiven() {
        views.owner = OTHER;
        views.visits = List.of(visit("MSC", "CRP", "D7", 9.5));

        Reply reply = get(new ApiRequest.CohortVisits("CRP"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat((List<?>) AvroJson.parse(reply.text()).get("visits"))
                .singleElement()
                .satisfies(v -> assertThat(asMap(v))
                        .containsEntry("arm", "MSC")
                        .containsEntry("visit", "D7")
                        .containsEntry("median", 9.5)
                        .containsEntry("nMissing", 1));
        assertThat(forwarded).isEmpty();
    }

    @Test
    void shouldListReferenceIntervalsOfProfileWhenAnalytesAreAsked() {
        Map<String, Object> json = AvroJson.parse(get(new ApiRequest.Analytes()).text());

        assertThat(json.toString()).contains("analyte=CRP", "high=10.0", "analyte=PFRATIO", "low=300.0", "FEU");
    }

    @Test
    void shouldBeReadyOnlyWhenRunning() {
        views.state = KafkaStreams.State.REBALANCING;
        assertThat(get(new ApiRequest.Ready()).status()).isEqualTo(503);
        assertThat(get(new ApiRequest.Live()).status()).isEqualTo(200);

        views.state = KafkaStreams.State.RUNNING;
        assertThat(get(new ApiRequest.Ready()).status()).isEqualTo(200);

        views.state = KafkaStreams.State.ERROR;
        assertThat(get(new ApiRequest.Live()).status()).isEqualTo(503);
    }

    @ParameterizedTest
    @EnumSource(KafkaStreams.State.class)
    void shouldBeLiveUnlessStoppedOrFailedAndReadyOnlyWhenRunning(KafkaStreams.State state) {
        views.state = state;
        boolean dead = state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.ERROR
                || state == KafkaStreams.State.PENDING_ERROR;

        assertThat(get(new ApiRequest.Live()).status()).isEqualTo(dead ? 503 : 200);
        assertThat(get(new ApiRequest.Ready()).status()).isEqualTo(state == KafkaStreams.State.RUNNING ? 200 : 503);
    }

    @Test
    void shouldAnswer503BeforeTopologyIsAttached() {
        QueryService fresh = new QueryService(SiteProfile.defaults(), (o, p) -> {
            throw new IOException("never");
        });

        assertThat(fresh.handle(new ApiRequest.PatientSummary("P1"), new Origin(false, "/x", null))
                        .status())
                .isEqualTo(503);
        assertThat(fresh.handle(new ApiRequest.Ready(), new Origin(false, "/x", null))
                        .status())
                .isEqualTo(503);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object json) {
        return (Map<String, Object>) json;
    }

    private static TrajectoryPoint point(String patient, String analyte, String readingId, double value) {
        return TrajectoryPoint.newBuilder()
                .setPatientId(patient)
                .setAnalyte(analyte)
                .setReadingId(readingId)
                .setRevision(0)
                .setObservedAt(Instant.parse("2020-02-13T08:00:00Z"))
                .setValue(value)
                .setUnit("mg/L")
                .build();
    }

    private static BiomarkerSummary summary(String patient, String analyte) {
        return BiomarkerSummary.newBuilder()
                .setPatientId(patient)
                .setAnalyte(analyte)
                .setUnit("mg/L")
                .build();
    }

    private static TimeToNormalization ttn(
            String patient, String analyte, NormalizationStatus status, int cnsr, double aval, String evntdesc) {
        return TimeToNormalization.newBuilder()
                .setPatientId(patient)
                .setAnalyte(analyte)
                .setAnchorAt(Instant.parse("2020-02-13T08:00:00Z"))
                .setAtRisk(true)
                .setStatus(status)
                .setCnsr(cnsr)
                .setAval(aval)
                .setAdt(Instant.parse("2020-02-19T14:00:00Z"))
                .setAdy(7)
                .setEvntdesc(evntdesc)
                .setProvisional(true)
                .build();
    }

    private static CohortVisitSummary visit(String arm, String analyte, String visit, double median) {
        return CohortVisitSummary.newBuilder()
                .setProtocol("p")
                .setArm(arm)
                .setAnalyte(analyte)
                .setUnit("mg/L")
                .setVisit(visit)
                .setN(3)
                .setNMissing(1)
                .setMedian(median)
                .setUpdatedAt(Instant.EPOCH)
                .build();
    }

    private static final class FakeViews implements QueryViews {
        HostInfo owner;
        RuntimeException failure;
        List<TrajectoryPoint> points = List.of();
        List<BiomarkerSummary> summaries = List.of();
        List<TimeToNormalization> ttn = List.of();
        List<Instant> infusions = List.of();
        List<CohortVisitSummary> visits = List.of();
        String askedAnalyte;
        KafkaStreams.State state = KafkaStreams.State.RUNNING;
        Pseudonym pseudonym = Pseudonym.none();
        List<String> ownerAskedFor = new java.util.ArrayList<>();
        List<String> askedPatients = new java.util.ArrayList<>();

        @Override
        public String shown(String patientId) {
            return pseudonym.of(patientId);
        }

        @Override
        public KeyQueryMetadata owner(String patientId) {
            ownerAskedFor.add(patientId);
            return owner == null ? KeyQueryMetadata.NOT_AVAILABLE : new KeyQueryMetadata(owner, java.util.Set.of(), 0);
        }

        @Override
        public List<TrajectoryPoint> trajectory(int partition, String patientId, String analyte) {
            check();
            askedAnalyte = analyte;
            askedPatients.add(patientId);
            return points.stream()
                    .filter(p -> p.getPatientId().equals(shown(patientId)))
                    .filter(p -> analyte == null || p.getAnalyte().equals(analyte))
                    .toList();
        }

        @Override
        public List<BiomarkerSummary> summaries(int partition, String patientId) {
            check();
            askedPatients.add(patientId);
            return summaries.stream()
                    .filter(s -> s.getPatientId().equals(shown(patientId)))
                    .toList();
        }

        @Override
        public List<TimeToNormalization> timeToNormalization(int partition, String patientId) {
            check();
            askedPatients.add(patientId);
            return ttn.stream()
                    .filter(t -> t.getPatientId().equals(shown(patientId)))
                    .toList();
        }

        @Override
        public List<Instant> infusions(int partition, String patientId) {
            check();
            return infusions;
        }

        @Override
        public List<CohortVisitSummary> visits(String analyte) {
            check();
            return visits;
        }

        @Override
        public List<NormalizationCurve> curves(String analyte) {
            check();
            return List.of();
        }

        @Override
        public KafkaStreams.State state() {
            return state;
        }

        private void check() {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
