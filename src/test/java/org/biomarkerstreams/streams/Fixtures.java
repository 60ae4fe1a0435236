package org.biomarkerstreams.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

/** Named time points around one infusion, and input builders that read as sentences. */
final class Fixtures {

    static final String PATIENT = "P-001";
    static final Instant INFUSION = Instant.parse("2020-02-10T10:00:00Z");
    static final Instant RANDOMIZATION = INFUSION.minus(Duration.ofHours(20));
    static final Instant DAY_MINUS_1 = morningOf(-1);
    static final Instant DAY_1 = morningOf(1);
    static final Instant DAY_2 = morningOf(2);
    static final Instant DAY_3 = morningOf(3);
    static final Instant DAY_4 = morningOf(4);
    static final Instant DAY_7 = morningOf(7);
    static final Instant DAY_14 = morningOf(14);
    static final Instant DAY_28 = morningOf(28);

    private static final AtomicInteger IDS = new AtomicInteger();

    private Fixtures() {}

    /** 08:00 UTC on protocol day {@code pdy} (infusion day = 0). */
    static Instant morningOf(int pdy) {
        return Instant.parse("2020-02-10T08:00:00Z").plus(Duration.ofDays(pdy));
    }

    static ReadingBuilder aReading() {
        return new ReadingBuilder();
    }

    static EventBuilder anEvent(EventType type) {
        return new EventBuilder(type);
    }

    static RawClinicalEvent infusionAt(Instant at) {
        return anEvent(EventType.INFUSION).at(at).build();
    }

    static RawClinicalEvent randomizedTo(String arm) {
        return anEvent(EventType.RANDOMIZED).at(RANDOMIZATION).arm(arm).build();
    }

    static final class ReadingBuilder {
        private String readingId = "R-" + IDS.incrementAndGet();
        private long revision;
        private String patientId = PATIENT;
        private String loinc;
        private String analyte = "CRP";
        private String value = "12";
        private String unit = "mg/L";
        private Instant at = DAY_3;
        private ResultStatus status = ResultStatus.FINAL;
        private String referenceRange;
        private Instant receivedAt;

        ReadingBuilder receivedAt(Instant when) {
            this.receivedAt = when;
            return this;
        }

        ReadingBuilder range(String labRange) {
            this.referenceRange = labRange;
            return this;
        }

        ReadingBuilder of(String paramcd) {
            this.analyte = paramcd;
            this.loinc = null;
            return this;
        }

        ReadingBuilder loinc(String code) {
            this.loinc = code;
            this.analyte = null;
            return this;
        }

        ReadingBuilder value(double v, String u) {
            this.value = Double.toString(v);
            this.unit = u;
            return this;
        }

        ReadingBuilder value(String v, String u) {
            this.value = v;
            this.unit = u;
            return this;
        }

        ReadingBuilder at(Instant when) {
            this.at = when;
            return this;
        }

        ReadingBuilder id(String id) {
            this.readingId = id;
            return this;
        }

        ReadingBuilder revision(long r) {
            this.revision = r;
            return this;
        }

        ReadingBuilder patient(String id) {
            this.patientId = id;
            return this;
        }

        ReadingBuilder status(ResultStatus s) {
            this.status = s;
            return this;
        }

        RawReading build() {
            return new RawReading(
                    readingId,
                    revision,
                    patientId,
                    loinc,
                    analyte,
                    value,
                    unit,
                    at,
                    status,
                    referenceRange,
                    null,
                    "test",
                    receivedAt);
        }
    }

    static final class EventBuilder {
        private final EventType type;
        private String eventId = "E-" + IDS.incrementAndGet();
        private long revision;
        private String patientId = PATIENT;
        private Instant at = INFUSION;
        private String arm;
        private Map<String, String> strata = Map.of();
        private boolean enteredInError;

        EventBuilder(EventType type) {
            this.type = type;
        }

        EventBuilder id(String id) {
            this.eventId = id;
            return this;
        }

        EventBuilder revision(long r) {
            this.revision = r;
            return this;
        }

        EventBuilder patient(String id) {
            this.patientId = id;
            return this;
        }

        EventBuilder at(Instant when) {
            this.at = when;
            return this;
        }

        EventBuilder arm(String a) {
            this.arm = a;
            return this;
        }

        EventBuilder strata(Map<String, String> s) {
            this.strata = s;
            return this;
        }

        EventBuilder enteredInError() {
            this.enteredInError = true;
            return this;
        }

        RawClinicalEvent build() {
            return new RawClinicalEvent(
                    eventId, revision, patientId, type, at, arm, strata, null, null, enteredInError, "test");
        }
    }
}
