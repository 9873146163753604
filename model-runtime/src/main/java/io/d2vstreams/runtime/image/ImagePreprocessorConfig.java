package io.d2vstreams.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.d2vstreams.runtime.preprocess.ConfigJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How images become {@code pixel_values}: output size, resampling, rescale and normalisation
 * (the Hugging Face image-processor steps), and the limits that protect the decoder.
 *
 * <p>Built once at start-up, validated in the constructor, immutable (the arrays are copied in
 * and out).
 *
 * @param height        output height in pixels ({@code size})
 * @param width         output width in pixels ({@code size})
 * @param doResize      resize to height x width ({@code do_resize}); when false, images must
 *                      already have exactly that size
 * @param resample      the resizing filter ({@code resample}, a PIL code in the JSON)
 * @param doRescale     multiply 0..255 values by {@code rescaleFactor} ({@code do_rescale})
 * @param rescaleFactor usually 1/255 ({@code rescale_factor})
 * @param doNormalize   subtract mean, divide by std per channel ({@code do_normalize})
 * @param mean          per-channel mean, R G B ({@code image_mean})
 * @param std           per-channel standard deviation, R G B ({@code image_std})
 * @param alpha         what to do with transparency
 * @param maxPixels     refuse images whose header declares more pixels, before decoding
 * @param maxBytes      refuse encoded images larger than this, before parsing
 */
public record ImagePreprocessorConfig(
        int height,
        int width,
        boolean doResize,
        ResampleFilter resample,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        float[] mean,
        float[] std,
        AlphaHandling alpha,
        long maxPixels,
        int maxBytes) {

    /** JSON keys of a Hugging Face {@code preprocessor_config.json}. */
    public static final String SIZE_KEY = "size";
    public static final String DO_RESIZE_KEY = "do_resize";
    public static final String RESAMPLE_KEY = "resample";
    public static final String DO_RESCALE_KEY = "do_rescale";
    public static final String RESCALE_FACTOR_KEY = "rescale_factor";
    public static final String DO_NORMALIZE_KEY = "do_normalize";
    public static final String IMAGE_MEAN_KEY = "image_mean";
    public static final String IMAGE_STD_KEY = "image_std";
    public static final String DO_CENTER_CROP_KEY = "do_center_crop";
    public static final String CROP_SIZE_KEY = "crop_size";

    /** 224x224, the data2vec-vision / BEiT base input size. */
    public static final int DEFAULT_SIZE = 224;
    /** data2vec-vision normalises to [-1, 1]: mean 0.5, std 0.5 per channel. */
    public static final float DEFAULT_MEAN = 0.5f;
    public static final float DEFAULT_STD = 0.5f;
    /** 8-bit values to [0, 1]. */
    public static final double DEFAULT_RESCALE_FACTOR = 1.0 / 255.0;
    /**
     * 40 megapixels: any camera photo, while bounding a decoded image to 160 MB (4 bytes per
     * pixel) so that a few in flight fit the heap; a "decompression bomb" is a tiny file
     * that declares far more.
     */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** 20 MiB of encoded bytes. */
    public static final int DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
    /** Largest accepted output side, a sanity bound for configs. */
    static final int MAX_OUTPUT_SIDE = 4096;

    public ImagePreprocessorConfig {
        if (height < 1 || height > MAX_OUTPUT_SIDE || width < 1 || width > MAX_OUTPUT_SIDE) {
            throw new IllegalArgumentException("image size is " + height + "x" + width
                    + "; expected each side in 1.." + MAX_OUTPUT_SIDE);
        }
        Objects.requireNonNull(resample, "resample");
        Objects.requireNonNull(alpha, "alpha");
        if (!(rescaleFactor > 0) || Double.isInfinite(rescaleFactor)) {
            throw new IllegalArgumentException("rescale factor is " + rescaleFactor + "; expected a positive finite number");
        }
        mean = checkTriple("image mean", mean, false);
        std = checkTriple("image std", std, true);
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels is " + maxPixels + "; expected at least 1");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("max bytes is " + maxBytes + "; expected at least 1");
        }
    }

    private static float[] checkTriple(String what, float[] values, boolean positive) {
        if (values == null || values.length != 3) {
            throw new IllegalArgumentException(what + " is " + Arrays.toString(values) + "; expected 3 values (R, G, B)");
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && !(v > 0))) {
                throw new IllegalArgumentException(what + " is " + Arrays.toString(values)
                        + "; expected 3 finite" + (positive ? " positive" : "") + " values");
            }
        }
        return values.clone();
    }

    /**
     * The data2vec-vision defaults at the model's own image size: what a version without a
     * {@code preprocessor_config.json} is preprocessed with, and what a generated or trained one is written with.
     */
    public static ImagePreprocessorConfig defaultsFor(ImageEncoderConfig model) {
        return defaults().withSize(model.imageSize(), model.imageSize());
    }

    /** The data2vec-vision defaults: 224x224, bicubic, rescale 1/255, mean 0.5, std 0.5. */
    public static ImagePreprocessorConfig defaults() {
        return new ImagePreprocessorConfig(DEFAULT_SIZE, DEFAULT_SIZE, true, ResampleFilter.BICUBIC,
                true, DEFAULT_RESCALE_FACTOR, true,
                new float[] {DEFAULT_MEAN, DEFAULT_MEAN, DEFAULT_MEAN},
                new float[] {DEFAULT_STD, DEFAULT_STD, DEFAULT_STD},
                AlphaHandling.COMPOSITE_ON_WHITE, DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads the model's Hugging Face {@code preprocessor_config.json}: {@code size} (an integer,
     * or {@code {"height": h, "width": w}}), {@code do_resize}, {@code resample},
     * {@code do_rescale}, {@code rescale_factor}, {@code do_normalize}, {@code image_mean},
     * {@code image_std}. Missing keys keep {@link #defaults()}; limits and alpha handling are
     * ours, not the file's, and keep theirs too (use the {@code with*} methods).
     *
     * @throws IOException              if the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the key and value, if a value has the wrong shape
     *                                  or asks for a step we do not implement (a center crop to
     *                                  a size other than {@code size}, {@code shortest_edge})
     */
    public static ImagePreprocessorConfig fromPreprocessorConfigJson(Path file) throws IOException {
        return from(ConfigJson.read(file));
    }

    /**
     * As {@link #fromPreprocessorConfigJson(Path)}, from the file's bytes (a model version's
     * checksum-verified {@code preprocessor_config.json}); {@code source} names it in messages.
     */
    public static ImagePreprocessorConfig fromPreprocessorConfigJson(byte[] json, String source) throws IOException {
        return from(ConfigJson.read(json, source));
    }

    /**
     * The Hugging Face {@code preprocessor_config.json} of this config, as a BEiT image processor
     * (the one data2vec-vision uses) writes it; {@link #fromPreprocessorConfigJson} reads it back
     * to an equal config, limits and alpha handling aside (they are ours, not the file's).
     */
    public Map<String, Object> toPreprocessorConfigJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_processor_type", "BeitImageProcessor");
        m.put(DO_RESIZE_KEY, doResize);
        Map<String, Object> size = new LinkedHashMap<>(); // ordered: the file is checksummed
        size.put("height", height);
        size.put("width", width);
        m.put(SIZE_KEY, size);
        m.put(RESAMPLE_KEY, resample.pilCode());
        m.put(DO_CENTER_CROP_KEY, false);
        m.put(DO_RESCALE_KEY, doRescale);
        m.put(RESCALE_FACTOR_KEY, rescaleFactor);
        m.put(DO_NORMALIZE_KEY, doNormalize);
        m.put(IMAGE_MEAN_KEY, List.of(mean[0], mean[1], mean[2]));
        m.put(IMAGE_STD_KEY, List.of(std[0], std[1], std[2]));
        return m;
    }

    private static ImagePreprocessorConfig from(ConfigJson json) {
        ImagePreprocessorConfig d = defaults();
        int[] size = json.node(SIZE_KEY) == null ? new int[] {d.height, d.width} : size(json, SIZE_KEY);
        if (json.bool(DO_CENTER_CROP_KEY, false)) {
            int[] crop = json.node(CROP_SIZE_KEY) == null ? size : size(json, CROP_SIZE_KEY);
            if (!Arrays.equals(crop, size)) {
                // A crop smaller than the resize target drops image borders; our encoders are
                // trained without one, so rather than guess we refuse the config.
                throw json.invalid(DO_CENTER_CROP_KEY, json.node(DO_CENTER_CROP_KEY),
                        "false, or a crop_size equal to size (center cropping is not implemented)");
            }
        }
        ResampleFilter resample = d.resample;
        JsonNode r = json.node(RESAMPLE_KEY);
        if (r != null) {
            int code = json.integer(RESAMPLE_KEY, r);
            try {
                resample = ResampleFilter.fromPilCode(code);
            } catch (IllegalArgumentException e) {
                throw json.invalid(RESAMPLE_KEY, r, "a PIL resample code 0..5");
            }
        }
        return new ImagePreprocessorConfig(size[0], size[1],
                json.bool(DO_RESIZE_KEY, d.doResize), resample,
                json.bool(DO_RESCALE_KEY, d.doRescale), json.number(RESCALE_FACTOR_KEY, d.rescaleFactor),
                json.bool(DO_NORMALIZE_KEY, d.doNormalize),
                json.rgbTriple(IMAGE_MEAN_KEY, d.mean()), json.rgbTriple(IMAGE_STD_KEY, d.std()),
                d.alpha, d.maxPixels, d.maxBytes);
    }

    /** {@code size} as {height, width}: an integer, or an object with height and width. */
    private static int[] size(ConfigJson json, String key) {
        JsonNode n = json.node(key);
        if (n.isIntegralNumber()) {
            int s = json.integer(key, n);
            return new int[] {s, s};
        }
        if (n.isObject() && n.has("height") && n.has("width")) {
            return new int[] {json.integer(key + ".height", n.get("height")),
                    json.integer(key + ".width", n.get("width"))};
        }
        throw json.invalid(key, n, "an integer or {\"height\": h, \"width\": w}"
                + " (shortest_edge resizing is not implemented)");
    }

    /** Values per image: 3 x height x width. */
    public int outputLength() {
        return 3 * height * width;
    }

    /**
     * Checks that this preprocessing makes the square images a ViT/BEiT encoder of
     * {@code image_size} takes: its patch grid and position table are fixed by that size, so any
     * other size fails inside the model instead of at configuration time.
     *
     * @throws IllegalArgumentException naming both sizes
     */
    public void requireImageSize(int imageSize) {
        if (height != imageSize || width != imageSize) {
            throw new IllegalArgumentException("preprocessing makes " + width + "x" + height
                    + " images, the model takes image_size " + imageSize);
        }
    }

    public ImagePreprocessorConfig withSize(int height, int width) {
        return new ImagePreprocessorConfig(height, width, doResize, resample, doRescale, rescaleFactor,
                doNormalize, mean, std, alpha, maxPixels, maxBytes);
    }

    public ImagePreprocessorConfig withResample(ResampleFilter resample) {
        return new ImagePreprocessorConfig(height, width, doResize, resample, doRescale, rescaleFactor,
                doNormalize, mean, std, alpha, maxPixels, maxBytes);
    }

    public ImagePreprocessorConfig withNormalization(float[] mean, float[] std) {
        return new ImagePreprocessorConfig(height, width, doResize, resample, doRescale, rescaleFactor,
                doNormalize, mean, std, alpha, maxPixels, maxBytes);
    }

    public ImagePreprocessorConfig withAlpha(AlphaHandling alpha) {
        return new ImagePreprocessorConfig(height, width, doResize, resample, doRescale, rescaleFactor,
                doNormalize, mean, std, alpha, maxPixels, maxBytes);
    }

    public ImagePreprocessorConfig withMaxPixels(long maxPixels) {
        return new ImagePreprocessorConfig(height, width, doResize, resample, doRescale, rescaleFactor,
                doNormalize, mean, std, alpha, maxPixels, maxBytes);
    }

    public ImagePreprocessorConfig withMaxBytes(int maxBytes) {
        return new ImagePreprocessorConfig(height, width, doResize, resample, doRescale, rescaleFactor,
                doNormalize, mean, std, alpha, maxPixels, maxBytes);
    }

    /** A copy: the record stays immutable. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** A copy: the record stays immutable. */
    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreprocessorConfig c
                && height == c.height && width == c.width && doResize == c.doResize && resample == c.resample
                && doRescale == c.doRescale && Double.compare(rescaleFactor, c.rescaleFactor) == 0
                && doNormalize == c.doNormalize && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std)
                && alpha == c.alpha && maxPixels == c.maxPixels && maxBytes == c.maxBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(height, width, doResize, resample, doRescale, rescaleFactor, doNormalize,
                Arrays.hashCode(mean), Arrays.hashCode(std), alpha, maxPixels, maxBytes);
    }

    @Override
    public String toString() {
        return "ImagePreprocessorConfig[" + height + "x" + width + ", resize=" + doResize + " " + resample
                + ", rescale=" + doRescale + " " + rescaleFactor + ", normalize=" + doNormalize
                + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std) + ", alpha=" + alpha
                + ", maxPixels=" + maxPixels + ", maxBytes=" + maxBytes + "]";
    }
}
