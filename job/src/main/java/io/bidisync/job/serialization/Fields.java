package io.bidisync.job.serialization;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the field types the {@link ValueSerializer}s share. Lengths are variable-length
 * integers stored plus one, so that 0 stands for {@code null}; strings are UTF-8 bytes.
 */
public final class Fields {
    private Fields() {}

    public static void writeString(String value, DataOutputView out) throws IOException {
        if (value == null) {
            writeLength(-1, out);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeLength(bytes.length, out);
        out.write(bytes);
    }

    public static String readString(DataInputView in) throws IOException {
        int length = readLength(in);
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static void writeStrings(String[] values, DataOutputView out) throws IOException {
        writeLength(values == null ? -1 : values.length, out);
        if (values != null) {
            for (String value : values) {
                writeString(value, out);
            }
        }
    }

    public static String[] readStrings(DataInputView in) throws IOException {
        int length = readLength(in);
        if (length < 0) {
            return null;
        }
        String[] values = new String[length];
        for (int i = 0; i < length; i++) {
            values[i] = readString(in);
        }
        return values;
    }

    public static void writeLongs(long[] values, DataOutputView out) throws IOException {
        writeLength(values == null ? -1 : values.length, out);
        if (values != null) {
            for (long value : values) {
                out.writeLong(value);
            }
        }
    }

    public static long[] readLongs(DataInputView in) throws IOException {
        int length = readLength(in);
        if (length < 0) {
            return null;
        }
        long[] values = new long[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    public static void writeNullableLong(Long value, DataOutputView out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value);
        }
    }

    public static Long readNullableLong(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    /** A length or count, -1 for {@code null}. */
    public static void writeLength(int length, DataOutputView out) throws IOException {
        int v = length + 1;
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    public static int readLength(DataInputView in) throws IOException {
        int v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v - 1;
            }
        }
    }
}
