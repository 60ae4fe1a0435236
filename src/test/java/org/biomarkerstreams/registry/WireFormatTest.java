package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void shouldPutMagicThenBigEndianIdThenPayloadWhenFraming() {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {42, 43});

        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 42, 43);
    }

    @Test
    void shouldReadSchemaIdWhenHeaderIsValid() {
        assertThat(WireFormat.schemaId(WireFormat.frame(0x7f0000ff, new byte[0])))
                .isEqualTo(0x7f0000ff);
        assertThat(WireFormat.schemaId(new byte[] {0, 0, 0, 1, 0})).isEqualTo(256);
    }

    @Test
    void shouldExposeOnlyTheAvroBytesWhenAskedForPayload() {
        ByteBuffer payload = WireFormat.payload(new byte[] {0, 0, 0, 0, 7, 9, 8});

        assertThat(payload.remaining()).isEqualTo(2);
        assertThat(payload.get()).isEqualTo((byte) 9);
        assertThat(payload.get()).isEqualTo((byte) 8);
        assertThat(payload.isReadOnly()).isTrue();
    }

    @Test
    void shouldRejectWithLengthWhenDataIsShorterThanHeader() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 byte(s) is too short")
                .hasMessageContaining("magic byte 0");
    }

    @Test
    void shouldRejectWithTheByteSeenWhenMagicIsWrong() {
        assertThatThrownBy(() -> WireFormat.payload("{\"json\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown magic byte 0x7b")
                .hasMessageContaining("expected 0x00");
    }
}
