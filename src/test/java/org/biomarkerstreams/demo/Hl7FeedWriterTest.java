package org.biomarkerstreams.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.biomarkerstreams.demo.Hl7FeedWriter.LisStyle;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Outcome;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class Hl7FeedWriterTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2020-04-01T00:00:00Z"), UTC);
    private static final List<RawReading> COHORT =
            SyntheticCohort.generate(CohortSpec.seed000(7)).readings();
    private static final Instant DRAWN = Instant.parse("2020-02-03T07:15:42Z");

    private final Hl7FeedWriter writer = new Hl7FeedWriter(UTC);
    private final Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(CLOCK).withSiteZone(UTC));

    @AfterAll
    static void printOneMessageOfEachStyle() {
        Hl7FeedWriter writer = new Hl7FeedWriter(UTC);
        for (LisStyle style : LisStyle.values()) {
            String message = writer.oruMessages(COHORT, style).get(0);
            System.out.println("--- " + style + " (first draw of seed 000(7)) ---");
            System.out.println(message.replace('\r', '\n'));
        }
    }

    @Test
    void shouldMapBackToTheCohortReadingsWhenWrittenInLoincV251Style() {
        List<RawReading> mapped = mapAll(writer.oruMessages(COHORT, LisStyle.LOINC_V251));

        assertSameReadings(mapped, COHORT, false);
    }

    @Test
    void shouldMapBackToTheCohortReadingsToTheMinuteWhenWrittenInLocalCodesV23Style() {
        List<RawReading> mapped = mapAll(writer.oruMessages(COHORT, LisStyle.LOCAL_CODES_V23));

        assertSameReadings(mapped, COHORT, true);
    }

    @Test
    void shouldUseBothStylesAndMapBackWhenStylesAlternateByPatient() {
        List<String> messages = writer.oruMessages(COHORT, Hl7FeedWriter::alternatingStyle);

        assertThat(messages).anyMatch(m -> m.contains("|2.5.1|")).anyMatch(m -> m.contains("|2.3\r"));
        assertSameReadings(mapAll(messages), COHORT, true);
    }

    @Test
    void shouldWriteOneMessagePerDrawWhenReadingsShareAPatientAndATime() {
        long draws = COHORT.stream()
                .map(r -> r.patientId() + "|" + r.observedAt())
                .distinct()
                .count();

        assertThat(writer.oruMessages(COHORT, LisStyle.LOINC_V251)).hasSize((int) draws);
        assertThat(writer.oruMessages(COHORT, LisStyle.LOCAL_CODES_V23)).hasSize((int) draws);
    }

    @Test
    void shouldGiveDistinctReadingIdsAndControlIdsWhenTheCohortIsWrittenInEitherStyle() throws HL7Exception {
        for (LisStyle style : LisStyle.values()) {
            List<String> messages = writer.oruMessages(COHORT, style);
            List<RawReading> mapped = mapAll(messages);

            assertThat(mapped).extracting(RawReading::readingId).doesNotHaveDuplicates();
            Parser parser = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1")).getPipeParser();
            Set<String> controlIds = new HashSet<>();
            for (String message : messages) {
                controlIds.add(new Terser(parser.parse(message)).get("/MSH-10"));
            }
            assertThat(controlIds).hasSize(messages.size());
        }
    }

    @Test
    void shouldWriteTheSameMessagesWhenTheSameReadingsAreWrittenAgain() {
        for (LisStyle style : LisStyle.values()) {
            assertThat(new Hl7FeedWriter(UTC).oruMessages(COHORT, style)).isEqualTo(writer.oruMessages(COHORT, style));
        }
    }

    @Test
    void shouldParseWithHapisDefaultParserAndValidationWhenEitherStyleIsWritten() throws HL7Exception, IOException {
        // The default context validates primitives (NM, TS, ...) on parse. Only v2.5.1 structures are on the
        // classpath, so the 2.3 messages are read into them the way the listener reads them.
        try (HapiContext context = new DefaultHapiContext()) {
            context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
            for (LisStyle style : LisStyle.values()) {
                for (String text : writer.oruMessages(COHORT.subList(0, 40), style)) {
                    Message message = context.getPipeParser().parse(text);

                    assertThat(message.getName()).isEqualTo("ORU_R01");
                    assertThat(context.getPipeParser().encode(message)).isEqualTo(text);
                }
            }
        }
    }

    @Test
    void shouldSendComparatorValuesAsSnInV251AndAsStInV23WhenTheValueIsBelowTheLimit() {
        RawReading crp = reading("CRP-1", "1988-5", "<0.5", "mg/L");

        String v251 = writer.oruMessages(List.of(crp), LisStyle.LOINC_V251).get(0);
        String v23 = writer.oruMessages(List.of(crp), LisStyle.LOCAL_CODES_V23).get(0);

        assertThat(v251).contains("|SN|1988-5^C-reactive protein^LN|1|<^0.5|mg/L^^UCUM|");
        assertThat(v23).contains("|ST|CRP01^C-reactive protein^L^1988-5^C-reactive protein^LN|1|<0.5|mg/L|");
        assertThat(mapAll(List.of(v251, v23))).extracting(RawReading::value).containsExactly("<0.5", "<0.5");
    }

    @Test
    void shouldKeepTheUnitAsGivenWithItsUcumCodeAsAlternateWhenTheUnitIsNotUcum() {
        RawReading lymph = reading("LYMPH-1", "731-0", "0.62", "10^9/L");

        String v251 = writer.oruMessages(List.of(lymph), LisStyle.LOINC_V251).get(0);

        assertThat(v251).contains("|NM|731-0^").contains("|0.62|10\\S\\9/L^^L^10*9/L^^UCUM|");
        assertThat(mapAll(List.of(v251))).extracting(RawReading::unit).containsExactly("10^9/L");
    }

    @Test
    void shouldKeepSecondsAndOffsetInV251AndTheSiteZoneMinuteInV23WhenTheSiteIsNotInUtc() {
        ZoneId wuhan = ZoneId.of("Asia/Shanghai");
        Hl7FeedWriter local = new Hl7FeedWriter(wuhan);
        List<RawReading> crp = List.of(reading("CRP-1", "1988-5", "12.5", "mg/L"));

        String v251 = local.oruMessages(crp, LisStyle.LOINC_V251).get(0);
        String v23 = local.oruMessages(crp, LisStyle.LOCAL_CODES_V23).get(0);

        assertThat(v251).contains("|F|||20200203151542+0800");
        assertThat(v23).contains("|F|||202002031515\r");
        Hl7Mapper wuhanMapper = new Hl7Mapper(Hl7Settings.defaults(CLOCK).withSiteZone(wuhan));
        assertThat(((Hl7Outcome.Accepted) wuhanMapper.map(v251))
                        .readings()
                        .get(0)
                        .observedAt())
                .isEqualTo(DRAWN);
        assertThat(((Hl7Outcome.Accepted) wuhanMapper.map(v23))
                        .readings()
                        .get(0)
                        .observedAt())
                .isEqualTo(DRAWN.truncatedTo(ChronoUnit.MINUTES));
    }

    @Test
    void shouldNumberRepeatedCodesWithinADrawWhenOneDrawHasTheSameTestTwice() {
        List<RawReading> twice =
                List.of(reading("CRP-a", "1988-5", "12.0", "mg/L"), reading("CRP-b", "1988-5", "12.4", "mg/L"));

        List<RawReading> mapped = mapAll(writer.oruMessages(twice, LisStyle.LOCAL_CODES_V23));

        assertThat(mapped).hasSize(2).extracting(RawReading::readingId).doesNotHaveDuplicates();
        assertThat(mapped.get(0).readingId()).endsWith("|CRP01|1");
        assertThat(mapped.get(1).readingId()).endsWith("|CRP01|2");
    }

    @Test
    void shouldMapLocalCodesToTheCohortsLoincCodesWhenAListenerIsConfiguredWithThem() {
        assertThat(Hl7FeedWriter.localCodeToLoinc())
                .containsEntry("CRP01", "1988-5")
                .containsEntry("IL6", "26881-3")
                .containsEntry("LYMAB", "731-0")
                .containsEntry("DDIM", "48065-7")
                .containsEntry("PF", "50984-4");
        assertThat(COHORT).extracting(RawReading::loinc).allMatch(Hl7FeedWriter.localCodeToLoinc()::containsValue);
    }

    @Test
    void shouldAlternateStylesWhenPatientNumbersAreConsecutive() {
        assertThat(Hl7FeedWriter.alternatingStyle("SYN-0001")).isEqualTo(LisStyle.LOCAL_CODES_V23);
        assertThat(Hl7FeedWriter.alternatingStyle("SYN-0002")).isEqualTo(LisStyle.LOINC_V251);
        assertThat(Hl7FeedWriter.alternatingStyle("no-digits")).isIn((Object[]) LisStyle.values());
    }

    @Test
    void shouldRefuseAReadingWhenItHasNoTimeToWriteAsTheDrawTime() {
        RawReading timeless = new RawReading(
                "x", 0, "P-1", "1988-5", null, "1", "mg/L", null, ResultStatus.FINAL, null, null, "t", DRAWN);

        assertThatThrownBy(() -> writer.oruMessages(List.of(timeless), LisStyle.LOINC_V251))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("observedAt");
    }

    private List<RawReading> mapAll(List<String> messages) {
        List<RawReading> readings = new ArrayList<>();
        for (String message : messages) {
            Hl7Outcome outcome = mapper.map(message);
            assertThat(outcome).isInstanceOf(Hl7Outcome.Accepted.class);
            Hl7Outcome.Accepted accepted = (Hl7Outcome.Accepted) outcome;
            assertThat(accepted.skipped()).isEmpty();
            readings.addAll(accepted.readings());
        }
        return readings;
    }

    private static void assertSameReadings(List<RawReading> mapped, List<RawReading> expected, boolean toTheMinute) {
        assertThat(mapped).hasSameSizeAs(expected);
        assertThat(mapped).extracting(RawReading::readingId).doesNotHaveDuplicates();
        Function<RawReading, String> key = r -> r.patientId() + "|" + r.loinc() + "|"
                + (toTheMinute ? r.observedAt().truncatedTo(ChronoUnit.MINUTES) : r.observedAt());
        Map<String, RawReading> byKey = new HashMap<>();
        mapped.forEach(r -> assertThat(byKey.put(key.apply(r), r)).isNull());
        for (RawReading want : expected) {
            RawReading got = byKey.get(key.apply(want));
            assertThat(got).as("mapped reading of %s", want.readingId()).isNotNull();
            assertThat(got.patientId()).isEqualTo(want.patientId());
            assertThat(got.loinc()).isEqualTo(want.loinc());
            assertThat(got.value()).isEqualTo(want.value());
            assertThat(new BigDecimal(got.value())).isEqualByComparingTo(new BigDecimal(want.value()));
            assertThat(got.unit()).isEqualTo(want.unit());
            assertThat(got.status()).isEqualTo(ResultStatus.FINAL);
            if (toTheMinute) {
                assertThat(got.observedAt()).isEqualTo(want.observedAt().truncatedTo(ChronoUnit.MINUTES));
            } else {
                assertThat(got.observedAt()).isEqualTo(want.observedAt());
            }
        }
    }

    private static RawReading reading(String id, String loinc, String value, String unit) {
        return new RawReading(
                id, 0, "P-1", loinc, null, value, unit, DRAWN, ResultStatus.FINAL, null, null, "test", DRAWN);
    }
}
