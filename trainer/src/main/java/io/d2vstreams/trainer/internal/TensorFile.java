package io.d2vstreams.trainer.internal;

import io.d2vstreams.runtime.TensorBundle;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A file of named float32 tensors for checkpoints: the magic {@code D2VTENS1}, the tensor count,
 * then per tensor its UTF-8 name, rank, dimensions and little-endian values. Self-describing, so
 * a checkpoint can be inspected without the model that wrote it.
 */
public final class TensorFile {

    private static final byte[] MAGIC = "D2VTENS1".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 1 << 14;
    private static final int MAX_RANK = 8;

    private TensorFile() {}

    public static void write(Path file, TensorBundle tensors) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            out.write(MAGIC);
            out.writeInt(tensors.size());
            ByteBuffer buf = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (String name : tensors.names()) {
                TensorBundle.Tensor t = tensors.get(name);
                byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
                long[] shape = t.shape();
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                float[] data = t.data();
                for (int from = 0; from < data.length; from += CHUNK) {
                    int n = Math.min(CHUNK, data.length - from);
                    buf.clear();
                    buf.asFloatBuffer().put(data, from, n);
                    out.write(buf.array(), 0, n * Float.BYTES);
                }
            }
        }
    }

    /** @throws IOException when the file is not a tensor file or is cut short */
    public static TensorBundle read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a d2v tensor file");
            }
            int count = in.readInt();
            TensorBundle.Builder b = TensorBundle.builder();
            byte[] bytes = new byte[CHUNK * Float.BYTES];
            for (int i = 0; i < count; i++) {
                int nameLength = in.readInt();
                if (nameLength < 0 || nameLength > 4096) {
                    throw new IOException(file + ": tensor " + i + " has a name of " + nameLength + " bytes");
                }
                byte[] name = new byte[nameLength];
                in.readFully(name);
                int rank = in.readInt();
                if (rank < 0 || rank > MAX_RANK) {
                    throw new IOException(file + ": tensor " + i + " has rank " + rank);
                }
                long[] shape = new long[rank];
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readLong();
                    size = Math.multiplyExact(size, shape[d]);
                }
                float[] data = new float[Math.toIntExact(size)];
                for (int from = 0; from < data.length; from += CHUNK) {
                    int n = Math.min(CHUNK, data.length - from);
                    in.readFully(bytes, 0, n * Float.BYTES);
                    ByteBuffer.wrap(bytes, 0, n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data, from, n);
                }
                b.put(new String(name, StandardCharsets.UTF_8), shape, data);
            }
            if (in.read() != -1) {
                throw new IOException(file + " has bytes after its " + count + " tensors");
            }
            return b.build();
        } catch (EOFException e) {
            throw new IOException(file + " is cut short", e);
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new IOException(file + " is malformed: " + e.getMessage(), e);
        }
    }
}
