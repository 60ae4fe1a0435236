package org.biomarkerstreams.streams;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Compact binary encoding of the processor's state values: a version byte, then fields in a fixed
 * order. Hand-written because it runs for every reading and state values are internal (changelog
 * only, never a wire contract); the version byte lets a later release read what this one wrote.
 */
public final class StateCodec {

    private StateCodec() {}

    /**
     * A serde whose bytes are a state value's own encoding: stores typed by their values, with exactly the bytes
     * (and so the changelogs) they had when every caller encoded by hand.
     */
    public static <T> Serde<T> serde(Function<T, byte[]> encode, Function<byte[], T> decode) {
        return Serdes.serdeFrom(
                (topic, value) -> value == null ? null : encode.apply(value),
                (topic, bytes) -> bytes == null ? null : decode.apply(bytes));
    }

    /**
     * Appends fields to a growing buffer, big-endian: the bytes {@link java.io.DataOutputStream} would
     * write (the format of every stored state), without its per-byte calls into a synchronized stream.
     */
    public static final class Writer {
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

        private byte[] buffer = new byte[128];
        private int size;

        public Writer(int version) {
            writeByte(version);
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        public Writer writeByte(int v) {
            ensure(1);
            buffer[size++] = (byte) v;
            return this;
        }

        public Writer writeBoolean(boolean v) {
            return writeByte(v ? 1 : 0);
        }

        public Writer writeInt(int v) {
            ensure(Integer.BYTES);
            INT.set(buffer, size, v);
            size += Integer.BYTES;
            return this;
        }

        public Writer writeLong(long v) {
            ensure(Long.BYTES);
            LONG.set(buffer, size, v);
            size += Long.BYTES;
            return this;
        }

        public Writer writeDouble(double v) {
            return writeLong(Double.doubleToLongBits(v));
        }

        public Writer writeNullableDouble(Double v) {
            writeBoolean(v != null);
            return v == null ? this : writeDouble(v);
        }

        public Writer writeNullableBoolean(Boolean v) {
            return writeByte(v == null ? 2 : v ? 1 : 0);
        }

        public Writer writeNullableInstant(Instant v) {
            writeBoolean(v != null);
            return v == null ? this : writeLong(v.toEpochMilli());
        }

        public Writer writeString(String v) {
            if (v == null) {
                return writeInt(-1);
            }
            byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
            writeInt(utf8.length);
            return writeBytesRaw(utf8);
        }

        public Writer writeBytes(byte[] v) {
            if (v == null) {
                return writeInt(-1);
            }
            writeInt(v.length);
            return writeBytesRaw(v);
        }

        private Writer writeBytesRaw(byte[] v) {
            ensure(v.length);
            System.arraycopy(v, 0, buffer, size, v.length);
            size += v.length;
            return this;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }

    /** Reads fields in the order they were written. */
    public static final class Reader {
        private final ByteBuffer in;
        private final int version;

        public Reader(byte[] data, int maxVersion, String what) {
            this.in = ByteBuffer.wrap(data);
            this.version = in.get();
            if (version < 1 || version > maxVersion) {
                throw new IllegalStateException(
                        what + " state written by a newer or unknown version " + version + " (max " + maxVersion + ")");
            }
        }

        public int version() {
            return version;
        }

        public int readByte() {
            return in.get();
        }

        public boolean readBoolean() {
            return in.get() != 0;
        }

        public int readInt() {
            return in.getInt();
        }

        public long readLong() {
            return in.getLong();
        }

        public double readDouble() {
            return in.getDouble();
        }

        public Double readNullableDouble() {
            return readBoolean() ? in.getDouble() : null;
        }

        public Boolean readNullableBoolean() {
            int v = in.get();
            return v == 2 ? null : v == 1;
        }

        public Instant readNullableInstant() {
            return readBoolean() ? Instant.ofEpochMilli(in.getLong()) : null;
        }

        public String readString() {
            int length = in.getInt();
            if (length < 0) {
                return null;
            }
            String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
            return s;
        }

        public byte[] readBytes() {
            int length = in.getInt();
            if (length < 0) {
                return null;
            }
            byte[] b = new byte[length];
            in.get(b);
            return b;
        }
    }
}
