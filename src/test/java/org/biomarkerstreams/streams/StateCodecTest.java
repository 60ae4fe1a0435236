package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The state format: what {@link java.io.DataOutputStream} writes, so state stored by earlier builds reads alike. */
class StateCodecTest {

    @Test
    void shouldWriteTheBytesDataOutputStreamWritesAndReadThemBack() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            int i = random.nextInt();
            long l = random.nextLong();
            double d = round % 50 == 0 ? Double.NaN : random.nextGaussian() * 1e6;
            String s = round % 7 == 0 ? "ünïcødé " + round : "x".repeat(random.nextInt(300));
            byte[] b = new byte[random.nextInt(400)];
            random.nextBytes(b);
            Instant at = Instant.ofEpochMilli(random.nextLong() >>> 20);
            boolean flag = random.nextBoolean();

            byte[] written = new StateCodec.Writer(3)
                    .writeInt(i)
                    .writeLong(l)
                    .writeDouble(d)
                    .writeString(s)
                    .writeString(null)
                    .writeBytes(b)
                    .writeBytes(null)
                    .writeBoolean(flag)
                    .writeNullableDouble(null)
                    .writeNullableDouble(d)
                    .writeNullableBoolean(null)
                    .writeNullableBoolean(flag)
                    .writeNullableInstant(at)
                    .writeNullableInstant(null)
                    .toByteArray();

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(expected);
            out.writeByte(3);
            out.writeInt(i);
            out.writeLong(l);
            out.writeDouble(d);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
            out.writeInt(-1);
            out.writeInt(b.length);
            out.write(b);
            out.writeInt(-1);
            out.writeByte(flag ? 1 : 0);
            out.writeByte(0);
            out.writeByte(1);
            out.writeDouble(d);
            out.writeByte(2);
            out.writeByte(flag ? 1 : 0);
            out.writeByte(1);
            out.writeLong(at.toEpochMilli());
            out.writeByte(0);
            assertThat(written).isEqualTo(expected.toByteArray());

            StateCodec.Reader in = new StateCodec.Reader(written, 3, "test");
            assertThat(in.version()).isEqualTo(3);
            assertThat(in.readInt()).isEqualTo(i);
            assertThat(in.readLong()).isEqualTo(l);
            assertThat(Double.doubleToLongBits(in.readDouble())).isEqualTo(Double.doubleToLongBits(d));
            assertThat(in.readString()).isEqualTo(s);
            assertThat(in.readString()).isNull();
            assertThat(in.readBytes()).isEqualTo(b);
            assertThat(in.readBytes()).isNull();
            assertThat(in.readBoolean()).isEqualTo(flag);
            assertThat(in.readNullableDouble()).isNull();
            assertThat(in.readNullableDouble()).isEqualTo(Double.valueOf(d));
            assertThat(in.readNullableBoolean()).isNull();
            assertThat(in.readNullableBoolean()).isEqualTo(flag);
            assertThat(in.readNullableInstant()).isEqualTo(at);
            assertThat(in.readNullableInstant()).isNull();
        }
    }

    @Test
    void shouldRefuseStateOfANewerVersion() {
        byte[] newer = new StateCodec.Writer(4).writeInt(1).toByteArray();
        assertThatThrownBy(() -> new StateCodec.Reader(newer, 3, "analyte"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("analyte state written by a newer or unknown version 4 (max 3)");
    }
}
