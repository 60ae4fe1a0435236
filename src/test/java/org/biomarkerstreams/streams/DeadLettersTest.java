package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.Pseudonym;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String PATIENT = "CANARY-5e1d-0001";
    private static final byte[] KEY = PATIENT.getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD =
            ("MSH|^~\\&|LIS|LAB\rPID|1||" + PATIENT + "^^^H^MR||Doe^Jane||19500101").getBytes(StandardCharsets.UTF_8);
    private static final DeadLetters.Source SOURCE = new DeadLetters.Source("lab-readings", 3, 42L);
    private static final DeadLetterKeys KEYS = DeadLetterKeys.parse(new byte[32]);
    private static final Pseudonym PSEUDONYM = Pseudonym.withKey(new byte[32]);

    private static DeadLetter letter(DeadLetters letters) {
        return letters.of(SOURCE, KEY, PAYLOAD, null, ErrorCode.NON_NUMERIC, "value 'lots-" + PATIENT + "'");
    }

    @Test
    void shouldKeepTheOriginalBytesAndKeyInPlaintextWithoutADeadLetterKey() {
        DeadLetters letters = new DeadLetters(CLOCK);

        DeadLetter letter = letter(letters);

        assertThat(letter.getSealed()).isNull();
        assertThat(letter.getPayload()).isEqualTo(ByteBuffer.wrap(PAYLOAD));
        assertThat(letters.recordKey(PATIENT)).isEqualTo(PATIENT);
        assertThat(DeadLetters.open(letter, KEYS)).isSameAs(letter);
    }

    @Test
    void shouldSealKeyPayloadAndMessageAndLeaveNoPatientDataInTheRecordWhenAKeyIsSet() {
        DeadLetters letters = new DeadLetters(CLOCK, KEYS, PSEUDONYM);

        DeadLetter letter = letter(letters);
        byte[] bytes = AvroBinary.encode(letter);

        assertThat(letter.getKey()).isNull();
        assertThat(letter.getPayload()).isNull();
        assertThat(letter.getPayloadSize()).isEqualTo(PAYLOAD.length);
        assertThat(letter.getErrorCode()).isEqualTo("NON_NUMERIC");
        assertThat(letter.getMessage()).startsWith("NON_NUMERIC: ").contains(KEYS.sealingKeyId());
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                .doesNotContain(PATIENT)
                .doesNotContain("Doe^Jane")
                .doesNotContain("5e1d");
        assertThat(letters.recordKey(PATIENT)).isEqualTo(PSEUDONYM.of(PATIENT));
        assertThat(new DeadLetters(CLOCK, KEYS, Pseudonym.none()).recordKey(PATIENT))
                .as("never the raw id when sealed")
                .isNull();
    }

    @Test
    void shouldOpenToTheDeadLetterAnUnsealedFactoryWouldHaveMade() {
        DeadLetter sealed = letter(new DeadLetters(CLOCK, KEYS, PSEUDONYM));
        DeadLetter plain = letter(new DeadLetters(CLOCK));

        assertThat(DeadLetters.open(sealed, KEYS)).isEqualTo(plain);
    }

    @Test
    void shouldRefuseToOpenASealedContentMovedToAnotherDeadLetter() {
        DeadLetters letters = new DeadLetters(CLOCK, KEYS, PSEUDONYM);
        DeadLetter letter = letter(letters);
        DeadLetter moved = DeadLetter.newBuilder(letter).setOffset(43L).build();
        DeadLetter recoded =
                DeadLetter.newBuilder(letter).setErrorCode("OVERSIZED").build();

        assertThatThrownBy(() -> DeadLetters.open(moved, KEYS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeadLetters.open(recoded, KEYS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSayWhichKeyIsMissingWhenASealedDeadLetterCannotBeOpened() {
        DeadLetter letter = letter(new DeadLetters(CLOCK, KEYS, PSEUDONYM));
        DeadLetterKeys other =
                DeadLetterKeys.parse(("other:" + java.util.Base64.getEncoder().encodeToString(new byte[32]))
                        .getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> DeadLetters.open(letter, DeadLetterKeys.none()))
                .hasMessageContaining("no dead-letter key is configured")
                .hasMessageContaining(KEYS.sealingKeyId());
        assertThatThrownBy(() -> DeadLetters.open(letter, other)).hasMessageContaining(KEYS.sealingKeyId());
    }
}
