package io.d2vstreams.runtime.internal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The probe batches for image and audio models, generated in code (no files to ship or lose):
 * small real PNG and WAV files that exercise resizing, grey-scale and alpha input, resampling,
 * stereo mixdown and padding, so a model that loads but cannot serve real input fails its probe.
 */
public final class ProbeInputs {

    private ProbeInputs() {}

    /** An 80×48 colour gradient, a 16×16 grey-scale ramp, a 24×24 half-transparent ARGB image; all PNG. */
    public static List<byte[]> images() {
        BufferedImage gradient = new BufferedImage(80, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 80; x++) {
                gradient.setRGB(x, y, (x * 3) << 16 | (y * 5) << 8 | ((x + y) & 0xFF));
            }
        }
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int v = (x + y) * 8;
                grey.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        BufferedImage translucent = new BufferedImage(24, 24, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                translucent.setRGB(x, y, (x < 12 ? 0x80 : 0xFF) << 24 | 0x2060A0);
            }
        }
        return List.of(png(gradient), png(grey), png(translucent));
    }

    /**
     * Half a second of a 440 Hz tone, mono 16-bit at 16 kHz, and a tenth of a second of a
     * stereo chirp at 8 kHz (resampled, mixed down, and padded in the batch).
     */
    public static List<byte[]> wavs() {
        short[] tone = new short[8000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
        }
        short[] chirp = new short[2 * 800];
        for (int i = 0; i < 800; i++) {
            double t = i / 8000.0;
            chirp[2 * i] = (short) Math.round(6000 * Math.sin(2 * Math.PI * (200 + 3000 * t) * t));
            chirp[2 * i + 1] = (short) Math.round(3000 * Math.sin(2 * Math.PI * 300 * t));
        }
        return List.of(wav16(16_000, 1, tone), wav16(8_000, 2, chirp));
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        }
    }

    /** A canonical 44-byte-header RIFF/WAVE file of interleaved 16-bit PCM. */
    private static byte[] wav16(int rate, int channels, short[] interleaved) {
        int dataBytes = interleaved.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1) // PCM
                .putShort((short) channels)
                .putInt(rate)
                .putInt(rate * channels * 2) // byte rate
                .putShort((short) (channels * 2)) // block align
                .putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (short s : interleaved) {
            b.putShort(s);
        }
        return b.array();
    }
}
