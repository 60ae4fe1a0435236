package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PseudonymTest {

    static final byte[] KEY = "biomarker-streams-test-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /*
     * Known answers computed outside Java:
     *   printf '%s' PT-0001 | openssl dgst -sha256 -hmac biomarker-streams-test-key-0123456789abcdef
     *   -> 78f633ca4dd5e707bf26a7db1adc6c33ab6df6e3da10ef235a0b009a8e0b5b96
     *   echo -n 78f633ca4dd5e707bf26a7db1adc6c33ab6df6e3 | xxd -r -p | base32 | tr A-Z a-z
     *   -> pd3dhssn2xtqppzgu7nrvxdmgovw35xd
     * and likewise for CANARY-7f3a-0001 (650013d6001e07146f94671daf166279ae9cf981...).
     */
    @Test
    void shouldMatchTheKnownAnswerComputedWithOpenssl() {
        Pseudonym p = Pseudonym.withKey(KEY);
        assertThat(p.of("PT-0001")).isEqualTo("psn-pd3dhssn2xtqppzgu7nrvxdmgovw35xd");
        assertThat(p.of("CANARY-7f3a-0001")).isEqualTo("psn-muabhvqadydri34um4o26ftcpgxjz6mb");
    }

    /*
     * printf 'reading\n%s' PT-0001-CRP-D3 | openssl dgst -sha256 -hmac biomarker-streams-test-key-0123456789abcdef
     * -> 01adc78f469e439c427250ebbc02ca974480dbdcc0c139286b46e8284c5d0dd0
     */
    @Test
    void shouldMatchTheKnownAnswerForAReadingId() {
        assertThat(Pseudonym.withKey(KEY).ofReading("PT-0001-CRP-D3"))
                .isEqualTo("rdg-agw4pd2gtzbzyqtskdv3yawks5cibw64");
    }

    @Test
    void shouldKeepReadingPseudonymsApartFromPatientPseudonymsWhenTheIdIsTheSame() {
        Pseudonym p = Pseudonym.withKey(KEY);
        assertThat(p.ofReading("X-1").substring(4)).isNotEqualTo(p.of("X-1").substring(4));
        assertThat(Pseudonym.none().ofReading("X-1")).isEqualTo("X-1");
    }

    @Test
    void shouldGiveTheSamePseudonymForTheSameKeyAndIdInAnotherInstance() {
        assertThat(Pseudonym.withKey(KEY.clone()).of("PT-0042"))
                .isEqualTo(Pseudonym.withKey(KEY.clone()).of("PT-0042"));
    }

    @Test
    void shouldGiveDifferentPseudonymsWhenTheKeysDiffer() {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertThat(Pseudonym.withKey(other).of("PT-0001"))
                .isNotEqualTo(Pseudonym.withKey(KEY).of("PT-0001"));
    }

    @Test
    void shouldNotDependOnTheCallersKeyArrayAfterConstruction() {
        byte[] key = KEY.clone();
        Pseudonym p = Pseudonym.withKey(key);
        String before = p.of("PT-0001");
        key[0] ^= 1;
        assertThat(p.of("PT-0001")).isEqualTo(before);
    }

    @Test
    void shouldLookLikeAPseudonymAndNotContainTheId() {
        String s = Pseudonym.withKey(KEY).of("PT-0001");
        assertThat(Pseudonym.looksLike(s)).isTrue();
        assertThat(s).doesNotContain("PT-0001").startsWith(Pseudonym.PREFIX).hasSize(36);
        assertThat(Pseudonym.looksLike("PT-0001")).isFalse();
        assertThat(Pseudonym.looksLike("psn-PD3DHSSN2XTQPPZGU7NRVXDMGOVW35XD")).isFalse();
    }

    @Test
    void shouldLeaveIdsAsTheyAreWhenNone() {
        assertThat(Pseudonym.none().enabled()).isFalse();
        assertThat(Pseudonym.none().of("PT-0001")).isEqualTo("PT-0001");
        assertThat(Pseudonym.withKey(KEY).enabled()).isTrue();
    }

    @Test
    void shouldRejectAShortKeyWithoutShowingIt() {
        assertThatThrownBy(() -> Pseudonym.withKey("short-secret".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes, got 12")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void shouldNeverShowTheKeyInToString() {
        assertThat(Pseudonym.withKey(KEY).toString()).doesNotContain("biomarker-streams-test-key");
    }
}
