package io.d2vstreams.runtime.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Tiny real images for tests: drawn in memory and encoded with ImageIO, or crafted byte by byte. */
final class TestImages {

    private TestImages() {
    }

    static BufferedImage solid(int width, int height, int type, Color color) {
        BufferedImage img = new BufferedImage(width, height, type);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    /** Red rising from 0 at the left edge to 255 at the right, constant down each column. */
    static BufferedImage horizontalGradient(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            int v = Math.round(255f * x / (width - 1));
            for (int y = 0; y < height; y++) {
                img.setRGB(x, y, v << 16);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ImageIO.write(img, format, out)).as("ImageIO has a %s writer for this image", format).isTrue();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream("/preprocess/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PNG that is well-formed up to its pixel data: signature, an IHDR declaring
     * {@code width x height} 8-bit RGB (PNG spec 11.2.2, CRC-32 over type and data as 5.3
     * requires, so a reader believes it), one small IDAT and IEND. Decoding it would need
     * width x height x 3 bytes; a header check must refuse it first.
     */
    static byte[] pngDeclaring(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height);
        ihdr.put((byte) 8);  // bit depth
        ihdr.put((byte) 2);  // colour type 2: truecolour
        ihdr.put((byte) 0);  // compression: deflate
        ihdr.put((byte) 0);  // filter method 0
        ihdr.put((byte) 0);  // no interlace
        byte[] idat = deflate(new byte[1024]);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.writeBytes(pngChunk("IHDR", ihdr.array()));
        png.writeBytes(pngChunk("IDAT", idat));
        png.writeBytes(pngChunk("IEND", new byte[0]));
        return png.toByteArray();
    }

    /** One PNG chunk: length, type, data, CRC-32 of type and data (PNG spec 5.3). */
    static byte[] pngChunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue());
        return chunk.array();
    }

    /**
     * Rewrites the frame size in a baseline JPEG's SOF0 segment (ITU T.81 B.2.2: marker FF C0,
     * length, precision, then Y and X as big-endian 16-bit numbers).
     */
    static byte[] jpegDeclaring(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        for (int i = 2; i < out.length - 9; i++) {
            if ((out[i] & 0xFF) == 0xFF && (out[i + 1] & 0xFF) == 0xC0) {
                out[i + 5] = (byte) (height >> 8);
                out[i + 6] = (byte) height;
                out[i + 7] = (byte) (width >> 8);
                out[i + 8] = (byte) width;
                return out;
            }
        }
        throw new AssertionError("no SOF0 marker in the test JPEG");
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length + 64];
        int n = d.deflate(buf);
        d.end();
        return java.util.Arrays.copyOf(buf, n);
    }
}
