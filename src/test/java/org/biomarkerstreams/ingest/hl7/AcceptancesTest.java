package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptancesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T05:06:07.089Z"), ZoneOffset.ofHours(-5));

    private final PipeParser parser = parser();
    private final Acceptances acceptances = new Acceptances(new Acknowledgments(parser), parser, CLOCK);

    private static PipeParser parser() {
        HapiContext hapi = new DefaultHapiContext();
        hapi.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        AtomicLong ids = new AtomicLong();
        hapi.getParserConfiguration().setIdGenerator(() -> "ACK" + ids.incrementAndGet());
        return hapi.getPipeParser();
    }

    private String accept(String er7) throws Exception {
        return acceptances.accept(parser.parse(er7), er7);
    }

    /** HAPI's own AA for the message, with MSH-7 and MSH-10 blanked for comparison. */
    private String hapisOwn(String er7) throws Exception {
        Message in = parser.parse(er7);
        return blankTimeAndControlId(parser.encode(new Acknowledgments(parser).acceptance(in)));
    }

    private static String blankTimeAndControlId(String ack) {
        String[] segments = ack.split("\r");
        segments[0] = Acceptances.headerWithoutTimeAndControlId(segments[0]);
        return String.join("\r", segments);
    }

    private static String field(String ack, String segment, int n) {
        for (String s : ack.split("\r")) {
            if (s.startsWith(segment + "|")) {
                String[] fields = s.split("\\|", -1);
                return segment.equals("MSH") ? fields[n - 1] : fields[n];
            }
        }
        throw new AssertionError("no " + segment + " in " + ack);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.3", "2.4", "2.5.1"})
    void shouldRefillTheLastAckWhenOnlyTimeAndControlIdChange(String version) throws Exception {
        String first = Hl7Samples.oru(version, "C-1");
        String second = first.replace("20200203081500||", "20200203091500||").replace("|C-1|", "|C-2|");

        String firstAck = accept(first);
        String secondAck = accept(second);

        assertThat(acceptances.fillsWithoutEncoding()).isTrue();
        assertThat(field(secondAck, "MSA", 2)).isEqualTo("C-2");
        assertThat(field(secondAck, "MSA", 1)).isEqualTo("AA");
        assertThat(field(secondAck, "MSH", 10)).isNotEqualTo(field(firstAck, "MSH", 10));
        assertThat(field(secondAck, "MSH", 7)).isEqualTo("20261202000607.089-0500");
        assertThat(blankTimeAndControlId(secondAck)).isEqualTo(hapisOwn(second));
    }

    @Test
    void shouldEscapeTheSendersControlIdAsHapiDoesWhenItHoldsAnEncodingCharacter() throws Exception {
        String first = Hl7Samples.oru("2.5.1", "C-1");
        String escaped = first.replace("|C-1|", "|C\\T\\2|");
        String plainAgain = first.replace("|C-1|", "|C-3|");

        accept(first);
        String escapedAck = accept(escaped);
        String plainAck = accept(plainAgain);

        assertThat(field(escapedAck, "MSA", 2)).isEqualTo("C\\T\\2");
        assertThat(blankTimeAndControlId(escapedAck)).isEqualTo(hapisOwn(escaped));
        assertThat(field(plainAck, "MSA", 2)).isEqualTo("C-3");
        assertThat(blankTimeAndControlId(plainAck)).isEqualTo(hapisOwn(plainAgain));
    }

    @Test
    void shouldAskHapiAgainWhenTheHeaderChanges() throws Exception {
        String fromLis = Hl7Samples.oru("2.5.1", "C-1");
        String fromOtherLab = fromLis.replace("|LIS|HOSP|", "|LAB2|CLINIC|");
        String olderVersion = Hl7Samples.oru("2.3", "C-3");

        accept(fromLis);
        String other = accept(fromOtherLab);
        String older = accept(olderVersion);

        assertThat(field(other, "MSH", 5)).isEqualTo("LAB2");
        assertThat(field(other, "MSH", 6)).isEqualTo("CLINIC");
        assertThat(blankTimeAndControlId(other)).isEqualTo(hapisOwn(fromOtherLab));
        assertThat(field(older, "MSH", 12)).isEqualTo("2.3");
        assertThat(field(older, "MSA", 2)).isEqualTo("C-3");
    }

    @Test
    void shouldKeyOnTheHeaderWithoutTimeAndControlId() {
        String a = "MSH|^~\\&|LIS|HOSP|BIO|TRIAL|20200203081500||ORU^R01|C-1|P|2.5.1\rPID|1";
        String b = "MSH|^~\\&|LIS|HOSP|BIO|TRIAL|20210101||ORU^R01|X-99|P|2.5.1\rPID|2";
        String otherTrigger = "MSH|^~\\&|LIS|HOSP|BIO|TRIAL|20200203081500||ORU^R30|C-1|P|2.5.1";
        String otherSeparator = "MSH#^~\\&#LIS#HOSP#BIO#TRIAL#20200203081500##ORU^R01#C-1#P#2.5.1";

        assertThat(Acceptances.headerWithoutTimeAndControlId(a))
                .isEqualTo("MSH|^~\\&|LIS|HOSP|BIO|TRIAL|||ORU^R01||P|2.5.1")
                .isEqualTo(Acceptances.headerWithoutTimeAndControlId(b))
                .isNotEqualTo(Acceptances.headerWithoutTimeAndControlId(otherTrigger));
        assertThat(Acceptances.headerWithoutTimeAndControlId(otherSeparator))
                .isEqualTo("MSH#^~\\&#LIS#HOSP#BIO#TRIAL###ORU^R01##P#2.5.1");
        assertThat(Acceptances.headerWithoutTimeAndControlId("MSH|^~\\&|LIS|HOSP"))
                .isNull();
        assertThat(Acceptances.headerWithoutTimeAndControlId("PID|1")).isNull();
        assertThat(Acceptances.headerWithoutTimeAndControlId("")).isNull();
    }
}
