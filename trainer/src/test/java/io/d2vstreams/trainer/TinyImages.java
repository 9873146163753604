package io.d2vstreams.trainer;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.bench.MediaGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** The seeded tiny vision encoder (64×64 images, 16×16 patches, 64 wide, 2 layers) and small generated images. */
public final class TinyImages {

    static final long MODEL_SEED = 7;

    private TinyImages() {}

    /** A store under {@code dir} holding the seeded default as v1. */
    public static ModelManifest seededStore(Path dir) {
        return new ModelStore(dir).initDefault(Modality.IMAGE, MODEL_SEED);
    }

    /** A fast configuration for tests: the vision recipe (lr 3e-3), small batches, no warm-up. */
    public static TrainerConfig.Builder testConfig() {
        return TrainerConfig.imageBuilder().batchSize(8).warmupSteps(0).seed(11);
    }

    /**
     * {@code n} 64×64 PNGs, deterministic per {@code seed}: a colour gradient, a few rectangles and
     * a little noise, so patches differ from each other and from image to image.
     */
    static List<byte[]> pngs(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            int base = random.nextInt(0x1000000);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int r = ((base >> 16 & 0xFF) + x * 3 + random.nextInt(8)) & 0xFF;
                    int g = ((base >> 8 & 0xFF) + y * 3 + random.nextInt(8)) & 0xFF;
                    int b = ((base & 0xFF) + (x + y) * 2 + random.nextInt(8)) & 0xFF;
                    image.setRGB(x, y, r << 16 | g << 8 | b);
                }
            }
            for (int k = 0; k < 3; k++) {
                int x0 = random.nextInt(48);
                int y0 = random.nextInt(48);
                int w = 8 + random.nextInt(16);
                int h = 8 + random.nextInt(16);
                int colour = random.nextInt(0x1000000);
                for (int y = y0; y < Math.min(64, y0 + h); y++) {
                    for (int x = x0; x < Math.min(64, x0 + w); x++) {
                        image.setRGB(x, y, colour);
                    }
                }
            }
            out.add(encode(image));
        }
        return out;
    }

    /** {@code n} images of many sizes, JPEG and PNG, as the encoder bench and the demo make them. */
    static List<byte[]> generated(int n, long seed) {
        return new MediaGenerator(seed).images(n);
    }

    private static byte[] encode(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
