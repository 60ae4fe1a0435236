package org.biomarkerstreams.streams;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Compact binary encoding of the processor's state values: a version byte, then fields in a fixed
 * order. Hand-written because it runs for every reading and state values are internal (changelog
 * only, never a wire contract); the version byte lets a later release read what this one wrote.
 */
final class StateCodec {

    private StateCodec() {}

    /** Appends fields to a growing buffer. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer(int version) {
            writeByte(version);
        }

        Writer writeByte(int v) {
            try {
                out.writeByte(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeBoolean(boolean v) {
            return writeByte(v ? 1 : 0);
        }

        Writer writeInt(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeLong(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeDouble(double v) {
            try {
                out.writeDouble(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeNullableDouble(Double v) {
            writeBoolean(v != null);
            return v == null ? this : writeDouble(v);
        }

        Writer writeNullableBoolean(Boolean v) {
            return writeByte(v == null ? 2 : v ? 1 : 0);
        }

        Writer writeNullableInstant(Instant v) {
            writeBoolean(v != null);
            return v == null ? this : writeLong(v.toEpochMilli());
        }

        Writer writeString(String v) {
            if (v == null) {
                return writeInt(-1);
            }
            byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
            writeInt(utf8.length);
            return writeBytesRaw(utf8);
        }

        Writer writeBytes(byte[] v) {
            if (v == null) {
                return writeInt(-1);
            }
            writeInt(v.length);
            return writeBytesRaw(v);
        }

        private Writer writeBytesRaw(byte[] v) {
            try {
                out.write(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    /** Reads fields in the order they were written. */
    static final class Reader {
        private final ByteBuffer in;
        private final int version;

        Reader(byte[] data, int maxVersion, String what) {
            this.in = ByteBuffer.wrap(data);
            this.version = in.get();
            if (version < 1 || version > maxVersion) {
                throw new IllegalStateException(
                        what + " state written by a newer or unknown version " + version + " (max " + maxVersion + ")");
            }
        }

        int version() {
            return version;
        }

        int readByte() {
            return in.get();
        }

        boolean readBoolean() {
            return in.get() != 0;
        }

        int readInt() {
            return in.getInt();
        }

        long readLong() {
            return in.getLong();
        }

        double readDouble() {
            return in.getDouble();
        }

        Double readNullableDouble() {
            return readBoolean() ? in.getDouble() : null;
        }

        Boolean readNullableBoolean() {
            int v = in.get();
            return v == 2 ? null : v == 1;
        }

        Instant readNullableInstant() {
            return readBoolean() ? Instant.ofEpochMilli(in.getLong()) : null;
        }

        String readString() {
            int length = in.getInt();
            if (length < 0) {
                return null;
            }
            String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
            return s;
        }

        byte[] readBytes() {
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
