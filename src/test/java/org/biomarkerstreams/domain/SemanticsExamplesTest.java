package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.biomarkerstreams.domain.CensoringEvent.Kind;
import org.biomarkerstreams.domain.KaplanMeier.MedianInterval;
import org.biomarkerstreams.domain.KaplanMeier.Observation;
import org.biomarkerstreams.domain.KaplanMeier.Step;
import org.biomarkerstreams.domain.TimeToNormalization.Status;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of docs/semantics.md, computed with the domain classes: every figure the document states
 * is asserted here. Examples that need the topology (corrections, duplicates, late data, purge) name the
 * topology test that checks them in the document instead.
 */
class SemanticsExamplesTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Protocol PROTOCOL = Protocol.defaults();
    private static final SiteProfile PROFILE = SiteProfile.defaults();
    private static final UnitConverter CONVERTER = new UnitConverter();
    private static final ReadingNormalizer NORMALIZER = new ReadingNormalizer(PROFILE, CONVERTER);

    /** The running example's anchor: an infusion at 23:00 UTC on 10 March 2024. */
    private static final Instant ANCHOR = Instant.parse("2024-03-10T23:00:00Z");

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    private static Instant hoursAfterAnchor(int hours) {
        return ANCHOR.plus(Duration.ofHours(hours));
    }

    private static NormalizedValue accepted(String loinc, String paramcd, String value, String unit) {
        Result<NormalizedValue> result = NORMALIZER.normalize(loinc, paramcd, value, unit);
        assertThat(result.isOk()).as("%s %s %s %s", loinc, paramcd, value, unit).isTrue();
        return result.value();
    }

    private static ErrorCode rejected(String loinc, String paramcd, String value, String unit) {
        Result<NormalizedValue> result = NORMALIZER.normalize(loinc, paramcd, value, unit);
        assertThat(result.isRejected())
                .as("%s %s %s %s", loinc, paramcd, value, unit)
                .isTrue();
        return result.rejection().code();
    }

    private static String interval(String paramcd, AssayType assay) {
        return PROFILE.analyte(paramcd)
                .orElseThrow()
                .interval(assay)
                .orElseThrow()
                .text();
    }

    private static Observation event(double days) {
        return new Observation(days, true);
    }

    private static Observation censored(double days) {
        return new Observation(days, false);
    }

    /** Arm MSC of the Kaplan-Meier and log-rank examples: events on days 2, 3, 3 and 9, one censored on day 5. */
    private static final List<Observation> MSC = List.of(event(2), event(3), event(3), censored(5), event(9));

    /** Arm CONTROL: events on days 4 and 10, censored on days 8, 12 and 14. */
    private static final List<Observation> CONTROL =
            List.of(event(4), censored(8), event(10), censored(12), censored(14));

    // ------------------------------------------------------------------ analytes and units

    @Test
    void shouldKnowTheCanonicalUnitAndIntervalOfEachAnalyteWhenTheDefaultProfileIsUsed() {
        // docs/semantics.md: Analytes and canonical units
        assertThat(PROFILE.analytes())
                .extracting(AnalyteDefinition::paramcd, AnalyteDefinition::canonicalUnit, AnalyteDefinition::role)
                .containsExactly(
                        tuple("CRP", "mg/L", AnalyteRole.PRIMARY),
                        tuple("IL6", "pg/mL", AnalyteRole.PRIMARY),
                        tuple("LYMPH", "10*9/L", AnalyteRole.PRIMARY),
                        tuple("DDIMER", "ng/mL", AnalyteRole.PRIMARY),
                        tuple("PFRATIO", "mm[Hg]", AnalyteRole.PRIMARY),
                        tuple("PCT", "ng/mL", AnalyteRole.PRIMARY),
                        tuple("WBC", "10*9/L", AnalyteRole.PRIMARY),
                        tuple("PAO2", "mm[Hg]", AnalyteRole.COMPONENT),
                        tuple("FIO2", "1", AnalyteRole.COMPONENT));
        assertThat(interval("CRP", AssayType.NONE)).isEqualTo("<10");
        assertThat(interval("IL6", AssayType.NONE)).isEqualTo("<7");
        assertThat(interval("LYMPH", AssayType.NONE)).isEqualTo("1.1-3.2");
        assertThat(interval("DDIMER", AssayType.FEU)).isEqualTo("<500");
        assertThat(interval("DDIMER", AssayType.DDU)).isEqualTo("<243");
        assertThat(interval("PFRATIO", AssayType.NONE)).isEqualTo(">300");
        assertThat(interval("PCT", AssayType.NONE)).isEqualTo("<0.05");
        assertThat(interval("WBC", AssayType.NONE)).isEqualTo("3.5-9.5");
        assertThat(interval("PAO2", AssayType.NONE)).isEqualTo("80-100");
        assertThat(PROFILE.analyte("FIO2").orElseThrow().intervals()).isEmpty();
        assertThat(PROFILE.byLoinc("48065-7")).contains(new LoincMapping("48065-7", "DDIMER", AssayType.FEU));
        assertThat(PROFILE.byLoinc("48066-5")).contains(new LoincMapping("48066-5", "DDIMER", AssayType.DDU));
        assertThat(PROFILE.byLoinc("2703-7").orElseThrow().paramcd()).isEqualTo("PAO2");
        assertThat(PROFILE.analytes())
                .extracting(a -> a.bounds().min(), a -> a.bounds().max())
                .containsExactly(
                        tuple(0.01, 1000.0),
                        tuple(0.01, 100_000.0),
                        tuple(0.0, 500.0),
                        tuple(10.0, 1_000_000.0),
                        tuple(10.0, 800.0),
                        tuple(0.005, 1000.0),
                        tuple(0.0, 1000.0),
                        tuple(10.0, 800.0),
                        tuple(0.21, 1.0));
        assertThat(PROFILE.loincMappings())
                .extracting(
                        LoincMapping::loinc,
                        m -> m.paramcd() + (m.assayType() == AssayType.NONE ? "" : " " + m.assayType()))
                .containsExactly(
                        tuple("1988-5", "CRP"),
                        tuple("30522-7", "CRP"),
                        tuple("71426-1", "CRP"),
                        tuple("26881-3", "IL6"),
                        tuple("731-0", "LYMPH"),
                        tuple("26474-7", "LYMPH"),
                        tuple("732-8", "LYMPH"),
                        tuple("30364-4", "LYMPH"),
                        tuple("48065-7", "DDIMER FEU"),
                        tuple("48067-3", "DDIMER FEU"),
                        tuple("71427-9", "DDIMER FEU"),
                        tuple("48066-5", "DDIMER DDU"),
                        tuple("48058-2", "DDIMER DDU"),
                        tuple("91556-1", "DDIMER DDU"),
                        tuple("50984-4", "PFRATIO"),
                        tuple("33959-8", "PCT"),
                        tuple("6690-2", "WBC"),
                        tuple("26464-8", "WBC"),
                        tuple("2703-7", "PAO2"),
                        tuple("3150-0", "FIO2"));
    }

    @Test
    void shouldConvertToTheCanonicalUnitWhenSentInACommonSpelling() {
        // docs/semantics.md: Unit conversion
        assertThat(accepted("1988-5", null, "1.2", "mg/dL").value()).isCloseTo(12.0, within(1e-12));
        assertThat(accepted(null, "LYMPH", "850", "cells/µL").value()).isCloseTo(0.85, within(1e-12));
        assertThat(accepted(null, "WBC", "5.2", "K/uL").value()).isCloseTo(5.2, within(1e-12));
        assertThat(accepted(null, "PAO2", "10", "kPa").value()).isCloseTo(75.006, within(5e-4));
        assertThat(CONVERTER.factor("kPa", "mm[Hg]").value()).isCloseTo(7.50064, within(5e-6));
        assertThat(accepted(null, "FIO2", "40", "%").value()).isCloseTo(0.4, within(1e-12));
        assertThat(accepted("48065-7", null, "0.62", "mg/L FEU").value()).isCloseTo(620.0, within(1e-9));
    }

    @Test
    void shouldNeverConvertBetweenFeuAndDduWhenTheDDimerAssayDiffers() {
        // docs/semantics.md: Unit conversion
        NormalizedValue feu = accepted("48065-7", null, "400", "ng/mL");
        NormalizedValue ddu = accepted("48066-5", null, "400", "ng/mL");
        assertThat(feu.assayType()).isEqualTo(AssayType.FEU);
        assertThat(feu.rangeIndicator()).contains(RangeIndicator.NORMAL);
        assertThat(ddu.assayType()).isEqualTo(AssayType.DDU);
        assertThat(ddu.rangeIndicator()).contains(RangeIndicator.HIGH);
        assertThat(accepted(null, "DDIMER", "400", "ng/mL FEU").assayType()).isEqualTo(AssayType.FEU);

        assertThat(CONVERTER.convert(400, "ng/mL FEU", "ng/mL DDU").rejection().code())
                .isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejected("48066-5", null, "400", "ng/mL FEU")).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejected(null, "DDIMER", "400", "ng/mL")).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejected(null, "CRP", "12", "mg/L FEU")).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
    }

    @Test
    void shouldKeepTheComparatorAndClassifyByTheReportedNumberWhenAValueIsALimit() {
        // docs/semantics.md: Reported values and comparators
        NormalizedValue belowLimit = accepted(null, "CRP", "<0.5", "mg/dL");
        assertThat(belowLimit.value()).isCloseTo(5.0, within(1e-12));
        assertThat(belowLimit.comparator()).isEqualTo(Comparator.LT);
        assertThat(belowLimit.rangeIndicator()).contains(RangeIndicator.NORMAL);

        NormalizedValue aboveLimit = accepted(null, "IL6", ">5000", "pg/mL");
        assertThat(aboveLimit.value()).isEqualTo(5000.0);
        assertThat(aboveLimit.comparator()).isEqualTo(Comparator.GT);
        assertThat(aboveLimit.rangeIndicator()).contains(RangeIndicator.HIGH);

        assertThat(ReportedValue.parse("≤3").value()).isEqualTo(new ReportedValue(3, Comparator.LE));
        assertThat(accepted(null, "CRP", "<12", "mg/L").rangeIndicator()).contains(RangeIndicator.HIGH);
        assertThat(rejected(null, "CRP", "12,5", "mg/L")).isEqualTo(ErrorCode.NON_NUMERIC);
    }

    @Test
    void shouldRejectAsImplausibleWhenTheCanonicalValueIsOutsideThePhysiologicalBounds() {
        // docs/semantics.md: Plausibility bounds
        assertThat(accepted(null, "CRP", "1000", "mg/L").value()).isEqualTo(1000.0);
        assertThat(rejected(null, "CRP", "1200", "mg/L")).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(rejected(null, "CRP", "-5", "mg/L")).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(rejected(null, "CRP", "NaN", "mg/L")).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(rejected(null, "FIO2", "40", null)).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(accepted(null, "FIO2", "0.4", null).value()).isEqualTo(0.4);
        assertThat(rejected(null, "PFRATIO", "9", "mm[Hg]")).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(PROFILE.analyte("PFRATIO").orElseThrow().bounds()).isEqualTo(new PlausibilityBounds(10, 800));
    }

    // ------------------------------------------------------------------ time

    @Test
    void shouldCountCalendarDaysInBothConventionsWhenADrawFollowsALateInfusion() {
        // docs/semantics.md: Study day
        assertThat(StudyDay.of(ANCHOR, at("2024-03-09T12:00:00Z"), UTC)).isEqualTo(new StudyDay(-1, -1, -35.0));
        assertThat(StudyDay.of(ANCHOR, at("2024-03-10T15:00:00Z"), UTC)).isEqualTo(new StudyDay(1, 0, -8.0));
        assertThat(StudyDay.of(ANCHOR, at("2024-03-10T22:00:00Z"), UTC)).isEqualTo(new StudyDay(1, 0, -1.0));
        assertThat(StudyDay.of(ANCHOR, ANCHOR, UTC)).isEqualTo(new StudyDay(1, 0, 0.0));
        assertThat(StudyDay.of(ANCHOR, at("2024-03-11T06:00:00Z"), UTC)).isEqualTo(new StudyDay(2, 1, 7.0));
        assertThat(StudyDay.of(ANCHOR, at("2024-03-13T21:00:00Z"), UTC)).isEqualTo(new StudyDay(4, 3, 70.0));
    }

    @Test
    void shouldCountStudyDaysInTheSiteZoneWhenTheProtocolIsNotInUtc() {
        // docs/semantics.md: Study day
        // 23:00 UTC is 07:00 the next morning in Shanghai; 06:00 UTC is 14:00 the same day there.
        assertThat(StudyDay.of(ANCHOR, at("2024-03-11T06:00:00Z"), SHANGHAI)).isEqualTo(new StudyDay(1, 0, 7.0));
        assertThat(StudyDay.of(ANCHOR, at("2024-03-10T15:00:00Z"), SHANGHAI)).isEqualTo(new StudyDay(-1, -1, -8.0));
    }

    @Test
    void shouldMoveEveryStudyDayWhenTheAnchorIsCorrected() {
        // docs/semantics.md: Anchor
        Instant draw = at("2024-03-13T08:00:00Z");
        Instant corrected = at("2024-03-11T02:00:00Z");

        assertThat(StudyDay.of(ANCHOR, draw, UTC)).isEqualTo(new StudyDay(4, 3, 57.0));
        assertThat(StudyDay.of(corrected, draw, UTC)).isEqualTo(new StudyDay(3, 2, 54.0));
    }

    @Test
    void shouldAdmitSevenCalendarStudyDaysUpToTheAnchorWhenLookingForABaseline() {
        // docs/semantics.md: Baseline. ANCHOR is 2024-03-10T23:00Z; pdy -7 is 2024-03-03 in UTC, from 00:00.
        assertThat(PROTOCOL.baselineFrom(ANCHOR)).isEqualTo(at("2024-03-03T00:00:00Z"));
        assertThat(StudyDay.pdy(ANCHOR, at("2024-03-03T08:00:00Z"), UTC)).isEqualTo(-7);
        assertThat(PROTOCOL.inBaselineWindow(ANCHOR, at("2024-03-03T08:00:00Z")))
                .isTrue();
        assertThat(PROTOCOL.inBaselineWindow(ANCHOR, at("2024-03-02T23:59:59Z")))
                .isFalse();
        assertThat(PROTOCOL.inBaselineWindow(ANCHOR, at("2024-03-09T12:00:00Z")))
                .isTrue();
        assertThat(PROTOCOL.inBaselineWindow(ANCHOR, ANCHOR)).isTrue();
        assertThat(PROTOCOL.inBaselineWindow(ANCHOR, ANCHOR.plusSeconds(1))).isFalse();
        assertThat(PROTOCOL.inFollowUp(ANCHOR, ANCHOR)).isFalse();
        assertThat(PROTOCOL.inFollowUp(ANCHOR, ANCHOR.plusSeconds(1))).isTrue();
    }

    @Test
    void shouldAdmitOnlyTheSevenTimesTwentyFourHoursWhenTheProtocolCountsHours() {
        // docs/semantics.md: Baseline, the hour rule
        Protocol hours = PROTOCOL.withBaselineRule(BaselineRule.HOURS);
        assertThat(hours.baselineFrom(ANCHOR)).isEqualTo(at("2024-03-03T23:00:00Z"));
        assertThat(hours.inBaselineWindow(ANCHOR, at("2024-03-03T08:00:00Z"))).isFalse();
        assertThat(hours.inBaselineWindow(ANCHOR, at("2024-03-03T22:59:00Z"))).isFalse();
        assertThat(hours.inBaselineWindow(ANCHOR, at("2024-03-03T23:00:00Z"))).isTrue();
    }

    @Test
    void shouldPreferTheReadingClosestToTheTargetDayAndTheLaterOneOnATie() {
        // docs/semantics.md: Visit windows
        VisitWindow d3 = PROTOCOL.visits().get(0);
        assertThat(d3).isEqualTo(new VisitWindow("D3", 3, 2, 4));
        Instant pdy2 = at("2024-03-12T08:00:00Z");
        Instant pdy3Early = at("2024-03-13T06:00:00Z");
        Instant pdy3Late = at("2024-03-13T18:00:00Z");
        Instant pdy4 = at("2024-03-14T08:00:00Z");
        Function<Instant, Integer> pdy = t -> StudyDay.pdy(ANCHOR, t, UTC);
        assertThat(List.of(pdy2, pdy3Early, pdy3Late, pdy4)).extracting(pdy).containsExactly(2, 3, 3, 4);

        assertThat(d3.prefers(4, pdy4, 2, pdy2))
                .as("tie at distance 1: the later")
                .isTrue();
        assertThat(d3.prefers(2, pdy2, 4, pdy4)).isFalse();
        assertThat(d3.prefers(3, pdy3Early, 4, pdy4)).as("closer to the target").isTrue();
        assertThat(d3.prefers(3, pdy3Late, 3, pdy3Early))
                .as("same day: the later")
                .isTrue();

        assertThat(PROTOCOL.visits()).noneMatch(w -> w.contains(5));
        assertThat(PROTOCOL.visits())
                .extracting(VisitWindow::name, VisitWindow::fromDay, VisitWindow::toDay)
                .containsExactly(tuple("D3", 2, 4), tuple("D7", 6, 8), tuple("D14", 13, 15), tuple("D28", 25, 31));
    }

    @Test
    void shouldConvertVisitDaysToProtocolDaysWhenTheProtocolFileCountsInAdy() {
        // docs/semantics.md: Visit windows
        assertThat(List.of(6, 7, 8, 28, -1)).extracting(StudyDay::pdyFromAdy).containsExactly(5, 6, 7, 27, -1);
        assertThat(List.of(0, 1, -1)).extracting(StudyDay::adyFromPdy).containsExactly(1, 2, -1);
        assertThatThrownBy(() -> StudyDay.pdyFromAdy(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountMissingVisitsAndCarryForwardOnlyClosedVisitsWhenLocfIsOn() {
        // docs/semantics.md: Missing visits and LOCF
        List<String> visits = PROTOCOL.visitNames();
        assertThat(visits).containsExactly("BASELINE", "D3", "D7", "D14", "D28");
        Map<String, Double> p1 = Map.of("BASELINE", 50.0, "D3", 30.0);
        java.util.function.Predicate<String> closedByDay20 = VisitValue.closedBefore(PROTOCOL, 20);

        assertThat(VisitValue.series(visits, p1, false, closedByDay20))
                .containsExactly(
                        Map.entry("BASELINE", new VisitValue(50, false)), Map.entry("D3", new VisitValue(30, false)));
        Map<String, VisitValue> carried = VisitValue.series(visits, p1, true, closedByDay20);
        assertThat(carried)
                .containsExactly(
                        Map.entry("BASELINE", new VisitValue(50, false)),
                        Map.entry("D3", new VisitValue(30, false)),
                        Map.entry("D7", new VisitValue(30, true)),
                        Map.entry("D14", new VisitValue(30, true)));

        VisitCell d7 = VisitCell.of(Arrays.asList(carried.get("D7"), new VisitValue(10, false), null));
        assertThat(d7.n()).isEqualTo(2);
        assertThat(d7.nMissing()).isEqualTo(1);
        assertThat(d7.nImputed()).isEqualTo(1);
        assertThat(d7.statistics().median()).isEqualTo(20.0);
    }

    // ------------------------------------------------------------------ patient identity, orphans

    @Test
    void shouldKeyEachRuleOfTheWorkedExampleWhenPid3HasTwoIdentifiers() {
        // docs/semantics.md: Patient identity
        List<PatientIdentifier> pid3 = List.of(
                new PatientIdentifier("12345", "MR", "HOSP", null),
                new PatientIdentifier("S-017", "RI", "TRIAL", null));
        Function<String, Object> key = rule -> {
            Result<String> k = PatientIdRule.parse(rule).keyOf(pid3, "PID-3");
            return k.isOk() ? k.value() : k.rejection().code();
        };

        assertThat(key.apply("bare")).isEqualTo("12345");
        assertThat(key.apply("id-authority")).isEqualTo("12345^HOSP");
        assertThat(key.apply("type:RI")).isEqualTo("S-017");
        assertThat(key.apply("type:MR@HOSP")).isEqualTo("12345");
        assertThat(key.apply("authority:TRIAL")).isEqualTo("S-017");
        assertThat(key.apply("type:MR@CITY")).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        PatientIdentifier ndjson = new PatientIdentifier("12345", null, "HOSP", null);
        assertThat(PatientIdRule.BARE.keyOfSole(ndjson).value()).isEqualTo("12345");
        assertThat(PatientIdRule.ID_AUTHORITY.keyOfSole(ndjson).value()).isEqualTo("12345^HOSP");
    }

    @Test
    void shouldCountAnOrphanOnceItsFirstReadingHasWaitedTheThreshold() {
        // docs/semantics.md: Orphan readings
        OrphanReadings rule = new OrphanReadings(OrphanReadings.DEFAULT_AFTER);
        Instant first = at("2024-03-11T10:00:00Z");

        assertThat(rule.add(OrphanReadings.Tally.NONE, first, 2, at("2024-03-11T10:59:00Z")))
                .isEqualTo(OrphanReadings.Tally.NONE);
        assertThat(rule.add(OrphanReadings.Tally.NONE, first, 2, at("2024-03-11T11:00:00Z")))
                .isEqualTo(new OrphanReadings.Tally(1, 2));
    }

    // ------------------------------------------------------------------ classification

    @Test
    void shouldClassifyAgainstTheAnalytesOwnIntervalWhenDerivingAnrind() {
        // docs/semantics.md: Reference intervals and anrind
        ReferenceInterval crp = ReferenceInterval.below(10);
        ReferenceInterval lymph = ReferenceInterval.between(1.1, 3.2);
        ReferenceInterval pf = ReferenceInterval.above(300);

        assertThat(List.of(9.99, 10.0))
                .extracting(crp::classify)
                .containsExactly(RangeIndicator.NORMAL, RangeIndicator.HIGH);
        assertThat(List.of(1.09, 1.1, 3.2, 3.21))
                .extracting(lymph::classify)
                .containsExactly(RangeIndicator.LOW, RangeIndicator.NORMAL, RangeIndicator.NORMAL, RangeIndicator.HIGH);
        assertThat(List.of(300.0, 300.5))
                .extracting(pf::classify)
                .containsExactly(RangeIndicator.LOW, RangeIndicator.NORMAL);
        assertThat(ReferenceInterval.parse("0-10").value().classify(10)).isEqualTo(RangeIndicator.NORMAL);
    }

    @Test
    void shouldClassifyAgainstTheLabsRangeInTheCanonicalUnitWhenTheSiteUsesLabRanges() {
        // docs/semantics.md: Reference intervals and anrind
        AnalyteDefinition crp = PROFILE.analyte("CRP").orElseThrow();
        Optional<ReferenceInterval> lab = LabReferenceRange.inCanonicalUnit("0-1.5", "mg/dL", crp, CONVERTER);

        assertThat(lab).contains(ReferenceInterval.between(0, 15));
        assertThat(lab.orElseThrow().classify(12)).isEqualTo(RangeIndicator.NORMAL);
        assertThat(accepted(null, "CRP", "1.2", "mg/dL").rangeIndicator()).contains(RangeIndicator.HIGH);
        assertThat(LabReferenceRange.inCanonicalUnit("see note", "mg/dL", crp, CONVERTER))
                .isEmpty();
        assertThat(ReferenceInterval.parse("(1.1;3.2]").value())
                .isEqualTo(new ReferenceInterval(1.1, false, 3.2, true));
    }

    @Test
    void shouldClassifyTheSameValueByEachLabsIntervalWhenTheProfileListsLabs() {
        // docs/semantics.md: Reference intervals and anrind (which interval; the labs example)
        AnalyteDefinition crp = PROFILE.withLabInterval(
                        "hl7:CENTRAL-LAB",
                        "CRP",
                        AssayType.NONE,
                        ReferenceInterval.parse("<5").value())
                .withLabInterval(
                        "hl7:WARD-POC",
                        "CRP",
                        AssayType.NONE,
                        ReferenceInterval.parse("0-12").value())
                .analyte("CRP")
                .orElseThrow();

        assertThat(crp.interval(AssayType.NONE, "hl7:CENTRAL-LAB").orElseThrow())
                .satisfies(i -> assertThat(i.classify(8)).isEqualTo(RangeIndicator.HIGH))
                .satisfies(i -> assertThat(i.high()).isEqualTo(5.0));
        assertThat(crp.interval(AssayType.NONE, "hl7:WARD-POC").orElseThrow().classify(8))
                .isEqualTo(RangeIndicator.NORMAL);
        assertThat(crp.interval(AssayType.NONE, "hl7:ANY-OTHER").orElseThrow().classify(8))
                .isEqualTo(RangeIndicator.NORMAL);
        assertThat(ReferenceInterval.parse("0-9").value().classify(8)).isEqualTo(RangeIndicator.NORMAL);
    }

    // ------------------------------------------------------------------ time to normalization

    @Test
    void shouldDateTheEventAtTheFirstNormalReadingWhenOneNormalReadingConfirms() {
        // docs/semantics.md: Time to normalization
        NormalizationScan scan = NormalizationScan.EMPTY
                .accept(hoursAfterAnchor(12), false, PROTOCOL.confirmation())
                .accept(hoursAfterAnchor(36), true, PROTOCOL.confirmation());

        TimeToNormalization ttn =
                TimeToNormalization.derive(PROTOCOL, ANCHOR, false, scan, Optional.empty(), hoursAfterAnchor(36));

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(
                        Status.NORMALIZED,
                        true,
                        0,
                        1.5,
                        at("2024-03-12T11:00:00Z"),
                        3,
                        2,
                        TimeToNormalization.NORMALIZED,
                        true));
    }

    @Test
    void shouldDateTheEventAtTheStartOfTheConfirmingRunWhenMoreThanOneReadingConfirms() {
        // docs/semantics.md: Time to normalization
        int[] hours = {36, 60, 84, 108, 132};
        boolean[] normal = {true, false, true, true, true};
        Function<Confirmation, Double> aval = confirmation -> {
            NormalizationScan scan = NormalizationScan.EMPTY;
            for (int i = 0; i < hours.length; i++) {
                scan = scan.accept(hoursAfterAnchor(hours[i]), normal[i], confirmation);
            }
            return TimeToNormalization.derive(
                            PROTOCOL.withConfirmation(confirmation),
                            ANCHOR,
                            false,
                            scan,
                            Optional.empty(),
                            hoursAfterAnchor(132))
                    .aval();
        };

        assertThat(aval.apply(Confirmation.parse("1"))).isEqualTo(1.5);
        assertThat(aval.apply(Confirmation.parse("2"))).isEqualTo(3.5);
        assertThat(aval.apply(Confirmation.parse("48h"))).isEqualTo(3.5);
        assertThat(aval.apply(Confirmation.parse("3"))).isEqualTo(3.5);
        assertThat(aval.apply(Confirmation.parse("4")))
                .as("never confirmed: censored at the last reading, day 5.5")
                .isEqualTo(5.5);
    }

    @Test
    void shouldCensorWithTheAdamCodeWhenDischargeOrDeathComesBeforeNormalization() {
        // docs/semantics.md: Time to normalization
        NormalizationScan abnormal = NormalizationScan.EMPTY
                .accept(hoursAfterAnchor(12), false, PROTOCOL.confirmation())
                .accept(hoursAfterAnchor(36), false, PROTOCOL.confirmation());
        Instant day4 = at("2024-03-14T23:00:00Z");

        assertThat(TimeToNormalization.derive(
                        PROTOCOL,
                        ANCHOR,
                        false,
                        abnormal,
                        Optional.of(new CensoringEvent(Kind.DISCHARGED, day4)),
                        day4))
                .isEqualTo(new TimeToNormalization(Status.CENSORED, true, 2, 4.0, day4, 5, 4, "DISCHARGED", true));
        assertThat(TimeToNormalization.derive(
                                PROTOCOL,
                                ANCHOR,
                                false,
                                abnormal,
                                Optional.of(new CensoringEvent(Kind.DIED, day4)),
                                day4)
                        .cnsr())
                .isEqualTo(3);
        assertThat(TimeToNormalization.observationEnd(
                        PROTOCOL, ANCHOR, Optional.of(new CensoringEvent(Kind.DISCHARGED, day4))))
                .isEqualTo(day4);
    }

    @Test
    void shouldStayProvisionalUntilStreamTimeReachesFollowUpPlusGraceWhenNotYetNormalized() {
        // docs/semantics.md: Time to normalization
        Instant closes = PROTOCOL.closesAt(ANCHOR);
        assertThat(closes).isEqualTo(at("2024-04-08T23:00:00Z"));
        NormalizationScan scan = NormalizationScan.EMPTY.accept(hoursAfterAnchor(96), false, PROTOCOL.confirmation());

        TimeToNormalization open =
                TimeToNormalization.derive(PROTOCOL, ANCHOR, false, scan, Optional.empty(), closes.minusMillis(1));
        TimeToNormalization closed =
                TimeToNormalization.derive(PROTOCOL, ANCHOR, false, scan, Optional.empty(), closes);

        assertThat(open)
                .isEqualTo(new TimeToNormalization(
                        Status.NOT_YET_NORMALIZED,
                        true,
                        1,
                        4.0,
                        hoursAfterAnchor(96),
                        5,
                        4,
                        TimeToNormalization.LAST_READING,
                        true));
        assertThat(closed.status()).isEqualTo(Status.CENSORED);
        assertThat(closed.cnsr()).isEqualTo(1);
        assertThat(closed.provisional()).isFalse();
        assertThat(TimeToNormalization.derive(
                        PROTOCOL, ANCHOR, false, NormalizationScan.EMPTY, Optional.empty(), closes))
                .extracting(TimeToNormalization::aval, TimeToNormalization::evntdesc)
                .containsExactly(0.0, TimeToNormalization.NO_POST_ANCHOR_READING);
    }

    @Test
    void shouldLeaveThePatientOutOfTheRiskSetWhenTheBaselineIsNormalOrMissing() {
        // docs/semantics.md: Time to normalization
        NormalizationScan scan = NormalizationScan.EMPTY.accept(hoursAfterAnchor(36), true, PROTOCOL.confirmation());
        Function<Boolean, TimeToNormalization> withBaseline = normal ->
                TimeToNormalization.derive(PROTOCOL, ANCHOR, normal, scan, Optional.empty(), hoursAfterAnchor(36));

        assertThat(withBaseline.apply(true).status()).isEqualTo(Status.NORMAL_AT_BASELINE);
        assertThat(withBaseline.apply(true).atRisk()).isFalse();
        assertThat(withBaseline.apply(null).status()).isEqualTo(Status.NO_BASELINE);
        assertThat(withBaseline.apply(null).cnsr()).isNull();
        assertThat(TimeToNormalization.derive(PROTOCOL, null, false, scan, Optional.empty(), hoursAfterAnchor(36))
                        .status())
                .isEqualTo(Status.NO_ANCHOR);
    }

    // ------------------------------------------------------------------ cohorts

    @Test
    void shouldPutAPatientInItsArmAndInAllAndInEachDeclaredStratumWhenBuildingCohorts() {
        // docs/semantics.md: Cohort strata
        Protocol bySeverity = PROTOCOL.withReporting("seed-002", List.of("severity"), Blinding.none(), false);
        Map<String, String> strata = Map.of("severity", "severe", "ageBand", "40-59");

        assertThat(Stratum.of("MSC", strata, bySeverity))
                .containsExactly(
                        new Stratum("MSC", null, null),
                        new Stratum("MSC", "severity", "severe"),
                        new Stratum("ALL", null, null),
                        new Stratum("ALL", "severity", "severe"));
        assertThat(Stratum.of(null, Map.of(), bySeverity))
                .containsExactly(new Stratum("UNASSIGNED", null, null), new Stratum("ALL", null, null));
    }

    @Test
    void shouldGiveTypeSevenQuantilesAndTheSampleSdWhenSummarizingAVisit() {
        // docs/semantics.md: Cohort statistics
        SampleStatistics s = SampleStatistics.of(List.of(16.0, 4.0, 42.0, 8.0, 23.0, 15.0));
        assertThat(s.n()).isEqualTo(6);
        assertThat(s.median()).isEqualTo(15.5);
        assertThat(s.q1()).isEqualTo(9.75);
        assertThat(s.q3()).isEqualTo(21.25);
        assertThat(s.mean()).isEqualTo(18.0);
        assertThat(s.sd()).isCloseTo(13.4907, within(5e-5));
        assertThat(s.min()).isEqualTo(4.0);
        assertThat(s.max()).isEqualTo(42.0);

        // a correction replaces 42 by 12: the cell is recomputed from its members' current values
        SampleStatistics cell = SampleStatistics.of(List.of(16.0, 4.0, 12.0, 8.0, 23.0, 15.0));
        assertThat(cell.n()).isEqualTo(6);
        assertThat(cell.median()).isEqualTo(13.5);
        assertThat(cell.q1()).isEqualTo(9.0);
        assertThat(cell.q3()).isEqualTo(15.75);
        assertThat(cell.mean()).isEqualTo(13.0);
        assertThat(cell.sd()).isCloseTo(Math.sqrt(44), within(1e-12));

        assertThat(SampleStatistics.of(List.of(7.0)).sd()).isNaN();
        assertThat(SampleStatistics.of(List.of()).median()).isNaN();
    }

    @Test
    void shouldStepTheCurveAndGiveGreenwoodErrorsAndTheMedianWithItsIntervalWhenEstimatingKaplanMeier() {
        // docs/semantics.md: Kaplan-Meier curve and median
        KaplanMeier km = KaplanMeier.estimate(MSC);

        assertThat(km.steps())
                .extracting(Step::time, Step::atRisk, Step::events, Step::censored)
                .containsExactly(tuple(2.0, 5, 1, 0), tuple(3.0, 4, 2, 0), tuple(5.0, 2, 0, 1), tuple(9.0, 1, 1, 0));
        assertThat(km.steps()).extracting(Step::survival).containsExactly(0.8, 0.4, 0.4, 0.0);
        assertThat(km.steps().get(0).stdErr()).isCloseTo(0.8 * Math.sqrt(0.05), within(1e-12));
        assertThat(km.steps().get(1).stdErr()).isCloseTo(0.4 * Math.sqrt(0.3), within(1e-12));
        assertThat(km.steps().get(1).stdErr()).isCloseTo(0.2191, within(5e-5));
        assertThat(km.steps().get(3).stdErr()).isNaN();
        assertThat(km.median()).hasValue(3.0);
        assertThat(km.medianConfidenceInterval(0.95))
                .isEqualTo(new MedianInterval(OptionalDouble.of(2.0), OptionalDouble.empty()));

        KaplanMeier control = KaplanMeier.estimate(CONTROL);
        assertThat(control.survivalAt(14)).isCloseTo(0.5333, within(5e-5));
        assertThat(control.median()).isEmpty();
        assertThat(control.medianConfidenceInterval(0.95))
                .isEqualTo(new MedianInterval(OptionalDouble.of(4.0), OptionalDouble.empty()));
    }

    @Test
    void shouldCompareTheArmsWithTheLogRankTestWhenTwoArmsAreAtRisk() {
        // docs/semantics.md: Log-rank test
        LogRank.Result test = LogRank.test(List.of(MSC, CONTROL)).orElseThrow();

        assertThat(test.groups()).extracting(LogRank.Group::subjects).containsExactly(5, 5);
        assertThat(test.groups()).extracting(LogRank.Group::observed).containsExactly(4, 2);
        assertThat(test.groups().get(0).expected()).isCloseTo(1.9246, within(5e-5));
        assertThat(test.groups().get(1).expected()).isCloseTo(4.0754, within(5e-5));
        assertThat(test.chiSquare()).isCloseTo(4.012, within(5e-4));
        assertThat(test.degreesOfFreedom()).isEqualTo(1);
        assertThat(test.pValue()).isCloseTo(0.0452, within(5e-5));
        assertThat(LogRank.test(List.of(MSC))).isEmpty();
    }

    // ------------------------------------------------------------------ alerts

    @Test
    void shouldRaiseOneAlertPerThresholdCrossedWhenTheValueFalls() {
        // docs/semantics.md: Alerts
        assertThat(AlertKind.crossings("PFRATIO", 350.0, 250)).containsExactly(AlertKind.PFRATIO_LE_300);
        assertThat(AlertKind.crossings("PFRATIO", 250.0, 180)).containsExactly(AlertKind.PFRATIO_LE_200);
        assertThat(AlertKind.crossings("PFRATIO", 320.0, 300)).containsExactly(AlertKind.PFRATIO_LE_300);
        assertThat(AlertKind.crossings("PFRATIO", 280.0, 290)).isEmpty();
        assertThat(AlertKind.crossings("PFRATIO", null, 90))
                .containsExactly(AlertKind.PFRATIO_LE_300, AlertKind.PFRATIO_LE_200, AlertKind.PFRATIO_LE_100);
        assertThat(AlertKind.crossings("LYMPH", 0.8, 0.5)).isEmpty();
        assertThat(AlertKind.crossings("LYMPH", 0.5, 0.4)).containsExactly(AlertKind.LYMPH_LT_0_5);
        assertThat(AlertKind.crossings("CRP", 5.0, 500)).isEmpty();
    }

    @Test
    void shouldDeriveTheRatioFromAPao2AndAnFio2WhenTheyAreDrawnWithinThirtyMinutes() {
        // docs/semantics.md: Alerts
        double pao2 = accepted("2703-7", null, "80", "mmHg").value();
        double fio2 = accepted("3150-0", null, "40", "%").value();
        double ratio = OxygenationIndex.ratio(pao2, fio2);

        assertThat(ratio).isCloseTo(200.0, within(1e-9));
        assertThat(AlertKind.crossings("PFRATIO", null, ratio))
                .containsExactly(AlertKind.PFRATIO_LE_300, AlertKind.PFRATIO_LE_200);
        Instant gas = at("2024-03-12T08:00:00Z");
        assertThat(OxygenationIndex.paired(gas, gas.plus(Duration.ofMinutes(30))))
                .isTrue();
        assertThat(OxygenationIndex.paired(gas, gas.minus(Duration.ofMinutes(31))))
                .isFalse();
    }

    // ------------------------------------------------------------------ corrections, bad input

    @Test
    void shouldRetractTheReadingWhenItsStatusIsDeletedOrEnteredInError() {
        // docs/semantics.md: Corrections, retractions and duplicates
        assertThat(ResultStatus.values())
                .filteredOn(ResultStatus::retracts)
                .containsExactly(ResultStatus.DELETED, ResultStatus.ENTERED_IN_ERROR);
    }

    @Test
    void shouldNeitherRetractNorBeKnownWhenTheStatusIsUnknown() {
        // docs/semantics.md: Bad input and error codes (UNKNOWN_STATUS)
        assertThat(ResultStatus.values()).filteredOn(s -> !s.isKnown()).containsExactly(ResultStatus.UNKNOWN);
        assertThat(ResultStatus.UNKNOWN.retracts()).isFalse();
    }

    @Test
    void shouldRejectEachBadReadingWithItsCodeWhenNormalizing() {
        // docs/semantics.md: Bad input and error codes
        assertThat(rejected(null, null, "12", "mg/L")).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(rejected(null, "CRP", " ", "mg/L")).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(rejected(null, "CRP", "12", "")).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(rejected("9999-9", "CRP", "12", "mg/L")).isEqualTo(ErrorCode.UNKNOWN_ANALYTE);
        assertThat(rejected(null, "FERRITIN", "12", "ng/mL")).isEqualTo(ErrorCode.UNKNOWN_ANALYTE);
        assertThat(rejected(null, "CRP", "12", "furlongs")).isEqualTo(ErrorCode.UNKNOWN_UNIT);
        assertThat(rejected(null, "CRP", "12", "12")).isEqualTo(ErrorCode.UNKNOWN_UNIT);
        assertThat(rejected(null, "LYMPH", "1.2", "mg/L")).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejected(null, "CRP", "lots", "mg/L")).isEqualTo(ErrorCode.NON_NUMERIC);
        assertThat(rejected(null, "CRP", "-5", "mg/L")).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
    }

    @Test
    void shouldNameEveryErrorCodeOfTheTableWhenListingTheContract() {
        // docs/semantics.md: Bad input and error codes
        assertThat(ErrorCode.values())
                .extracting(ErrorCode::name)
                .containsExactly(
                        "UNDESERIALIZABLE",
                        "MISSING_FIELD",
                        "UNKNOWN_ANALYTE",
                        "UNKNOWN_UNIT",
                        "INCOMPATIBLE_UNIT",
                        "NON_NUMERIC",
                        "IMPLAUSIBLE_VALUE",
                        "FUTURE_TIMESTAMP",
                        "INVALID_EVENT",
                        "UNKNOWN_STATUS",
                        "KEY_MISMATCH",
                        "CONFLICTING_REVISION",
                        "PATIENT_ARCHIVED",
                        "UNKNOWN_SCHEMA",
                        "WRONG_SCHEMA",
                        "OVERSIZED",
                        "UNSUPPORTED_MESSAGE",
                        "UNAUTHORIZED_SENDER",
                        "NO_MATCHING_PATIENT_ID");
    }

    // ------------------------------------------------------------------ retention, pseudonyms, blinding

    @Test
    void shouldScheduleThePurgeAtCloseAndRetentionWhenStateIsRetained() {
        // docs/semantics.md: State retention and purge
        Instant closes = PROTOCOL.closesAt(ANCHOR);

        assertThat(PROTOCOL.followUpEnd(ANCHOR)).isEqualTo(at("2024-04-07T23:00:00Z"));
        assertThat(closes).isEqualTo(at("2024-04-08T23:00:00Z"));
        assertThat(closes.plus(Duration.ofDays(180))).isEqualTo(at("2024-10-05T23:00:00Z"));
    }

    @Test
    void shouldReplaceIdsByKeyedPseudonymsWhenAKeyIsSet() {
        // docs/semantics.md: Pseudonyms
        Pseudonym p =
                Pseudonym.withKey("biomarker-streams-test-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

        assertThat(p.of("PT-0001")).isEqualTo("psn-pd3dhssn2xtqppzgu7nrvxdmgovw35xd");
        assertThat(p.ofReading("PT-0001-CRP-D3")).isEqualTo("rdg-agw4pd2gtzbzyqtskdv3yawks5cibw64");
        assertThat(Pseudonym.looksLike(p.of("PT-0001"))).isTrue();
        assertThat(Pseudonym.none().of("PT-0001")).isEqualTo("PT-0001");
        assertThatThrownBy(() -> Pseudonym.withKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldShiftEachPatientByItsOwnWholeNumberOfDays() {
        // docs/semantics.md: Date shifting
        DateShift shift = DateShift.withKey(
                "biomarker-streams-test-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII), 180);
        Instant infusion = at("2020-02-14T09:30:00Z");

        assertThat(shift.days("PT-0001")).isEqualTo(-140);
        assertThat(shift.days("PT-0002")).isEqualTo(-114);
        assertThat(shift.shift("PT-0001", infusion)).isEqualTo(at("2019-09-27T09:30:00Z"));
        assertThat(Duration.between(
                        shift.shift("PT-0001", infusion), shift.shift("PT-0001", infusion.plus(Duration.ofHours(53)))))
                .isEqualTo(Duration.ofHours(53));
    }

    @Test
    void shouldShowNeutralArmCodesWhenTheProtocolIsBlinded() {
        // docs/semantics.md: Blinding
        Blinding blinding = Blinding.of(List.of("MSC", "PLACEBO"), "statistician-key");
        Protocol blinded = PROTOCOL.withReporting("seed-003", List.of(), blinding, false);

        assertThat(blinding.label("MSC")).isEqualTo("Arm A");
        assertThat(blinding.label("PLACEBO")).isEqualTo("Arm B");
        assertThat(blinding.label("HIGH_DOSE")).isEqualTo("Arm ?-90907a");
        assertThat(blinding.label("ALL")).isEqualTo("ALL");
        assertThat(Stratum.of("PLACEBO", Map.of(), blinded))
                .containsExactly(new Stratum("Arm B", null, null), new Stratum("ALL", null, null));
    }
}
