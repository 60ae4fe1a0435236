package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterKeysTest {

    private static final byte[] AAD = "topic/0/12/UNKNOWN_UNIT".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PLAIN = "PID|1||CANARY-0001^^^H^MR||Doe^Jane".getBytes(StandardCharsets.UTF_8);

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return k;
    }

    private static String b64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    private static DeadLetterKeys parse(String text) {
        return DeadLetterKeys.parse(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldOpenWhatItSealedWhenTheAssociatedDataIsTheSame() {
        DeadLetterKeys keys = DeadLetterKeys.parse(key(7));

        DeadLetterKeys.Sealed sealed = keys.seal(PLAIN, AAD);

        assertThat(sealed.nonce()).hasSize(DeadLetterKeys.NONCE_BYTES);
        assertThat(sealed.ciphertext()).hasSize(PLAIN.length + 16);
        assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("CANARY");
        assertThat(keys.open(sealed, AAD)).isEqualTo(PLAIN);
    }

    @Test
    void shouldUseAFreshNonceForEverySeal() {
        DeadLetterKeys keys = DeadLetterKeys.parse(key(7));

        assertThat(keys.seal(PLAIN, AAD).nonce())
                .isNotEqualTo(keys.seal(PLAIN, AAD).nonce());
    }

    @Test
    void shouldRefuseToOpenWhenTheAssociatedDataOrCiphertextWasAltered() {
        DeadLetterKeys keys = DeadLetterKeys.parse(key(7));
        DeadLetterKeys.Sealed sealed = keys.seal(PLAIN, AAD);
        byte[] otherAad = "topic/0/13/UNKNOWN_UNIT".getBytes(StandardCharsets.UTF_8);
        byte[] flipped = sealed.ciphertext().clone();
        flipped[0] ^= 1;

        assertThatThrownBy(() -> keys.open(sealed, otherAad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("authentication failed");
        assertThatThrownBy(() -> keys.open(new DeadLetterKeys.Sealed(sealed.keyId(), sealed.nonce(), flipped), AAD))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSealWithTheFirstKeyAndOpenWithAnyWhenKeysRotate() {
        DeadLetterKeys old = parse("2024:" + b64(key(1)) + "\n");
        DeadLetterKeys.Sealed before = old.seal(PLAIN, AAD);
        DeadLetterKeys rotated = parse("# new key first\n2025:" + b64(key(2)) + "\n\n2024:" + b64(key(1)) + "\n");

        DeadLetterKeys.Sealed after = rotated.seal(PLAIN, AAD);

        assertThat(rotated.keyIds()).containsExactly("2025", "2024");
        assertThat(after.keyId()).isEqualTo("2025");
        assertThat(rotated.open(before, AAD)).isEqualTo(PLAIN);
        assertThat(rotated.open(after, AAD)).isEqualTo(PLAIN);
        assertThatThrownBy(() -> old.open(after, AAD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key id 2025");
    }

    @Test
    void shouldNameAKeyWithoutIdByItsFingerprintTheSameWayRawOrBase64() {
        DeadLetterKeys raw = DeadLetterKeys.parse(key(3));
        DeadLetterKeys text = parse(b64(key(3)) + "\n");
        DeadLetterKeys url = parse(Base64.getUrlEncoder().withoutPadding().encodeToString(key(3)));

        assertThat(raw.sealingKeyId()).matches("k-[0-9a-f]{16}");
        assertThat(text.sealingKeyId()).isEqualTo(raw.sealingKeyId());
        assertThat(url.sealingKeyId()).isEqualTo(raw.sealingKeyId());
        assertThat(text.open(raw.seal(PLAIN, AAD), AAD)).isEqualTo(PLAIN);
    }

    @Test
    void shouldRefuseAKeyThatIsNot256BitsWithoutShowingIt() {
        String short16 = b64(new byte[16]);

        assertThatThrownBy(() -> parse(short16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining(short16);
        assertThatThrownBy(() -> parse("not base64 at all!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not base64")
                .hasMessageNotContaining("at all");
        assertThatThrownBy(() -> parse("# only a comment\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no key");
        assertThatThrownBy(() -> parse("a:" + b64(key(1)) + "\na:" + b64(key(2))))
                .hasMessageContaining("appears twice");
    }

    @Test
    void shouldSealNothingAndShowNoKeyMaterialWhenPrinted() {
        assertThat(DeadLetterKeys.none().enabled()).isFalse();
        assertThat(DeadLetterKeys.none().sealingKeyId()).isNull();
        assertThat(parse("prod:" + b64(key(9))).toString())
                .isEqualTo("DeadLetterKeys[prod]")
                .doesNotContain(b64(key(9)));
    }
}
