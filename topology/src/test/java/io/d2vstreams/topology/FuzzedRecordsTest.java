package io.d2vstreams.topology;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing as tests: mutated wire format, Avro, UTF-8, PNG/JPEG/GIF/BMP/WebP, WAV and URIs, run
 * through the pipeline's own three-path topology. Every case must end as exactly one embedding or
 * one dead letter with a reason the decoders name (never {@code PROCESSING_FAILED}, which would
 * mean an exception nobody foresaw), within a bound that only a hang would break, and a good
 * record right after it must still be embedded.
 *
 * <p>Sized for CI by {@code jqwik.tries.default} in {@code junit-platform.properties}; more with
 * {@code mvn -pl topology test -Dtest=FuzzedRecordsTest -Djqwik.tries.default=5000}. A failure
 * names the seed that reproduces it.
 */
@Label("Fuzzed records through the embedding topology")
class FuzzedRecordsTest {
    private static final Topics TOPICS = PipelineTopologyFixture.TOPICS;
    /** Far above any real case (milliseconds); only a hang or a runaway decode would reach it. */
    private static final long CASE_BOUND_MS = 20_000;

    private static Path dir;
    private static PipelineTopologyFixture.Backing backing;
    private static SchemaRegistryClient registry;
    private static Path allowedDir;

    private PipelineTopologyFixture pipeline;
    private int sequence;

    @BeforeContainer
    static void startRegistryAndModels() throws IOException {
        dir = Files.createTempDirectory("d2v-fuzz");
        backing = PipelineTopologyFixture.Backing.start(dir);
        registry = backing.registry();
        allowedDir = Files.createDirectories(dir.resolve("allowed"));
        Files.write(allowedDir.resolve("ok.png"), TestMedia.png(3));
        Files.write(allowedDir.resolve("ok.wav"), TestMedia.halfSecondWav(330));
        Files.write(dir.resolve("outside.png"), TestMedia.png(4));
        Files.createSymbolicLink(allowedDir.resolve("link-out.png"), dir.resolve("outside.png"));
        Files.createDirectories(allowedDir.resolve("sub"));
    }

    @AfterContainer
    static void stop() throws IOException {
        backing.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeProperty
    void startDriver() {
        // A batch of one, so each case is decided when it is piped in; URIs only inside allowedDir,
        // and no host is allowed, so no case can reach the network.
        pipeline = new PipelineTopologyFixture(backing, Map.of(PipelineConfig.TEXT_BATCH_MAX_SIZE, "1",
                PipelineConfig.IMAGE_BATCH_MAX_SIZE, "1", PipelineConfig.AUDIO_BATCH_MAX_SIZE, "1",
                PipelineConfig.URI_ALLOWED_DIRS, allowedDir.toString()));
    }

    @AfterProperty
    void closeDriver() {
        pipeline.close();
    }

    // ---- the properties ----

    @Property
    @Label("any mutation of a valid event's bytes (header, schema id, Avro body) ends as one output")
    void mutatedRecordBytes(@ForAll("modalities") Modality modality, @ForAll long seed,
                            @ForAll @IntRange(min = 1, max = 12) int edits) {
        byte[] valid = event(modality, "fuzz", validContent(modality, seed));
        assertOneOutputThenServes(modality, mutate(valid, seed, edits));
    }

    @Property
    @Label("any text, of any Unicode and any length up to twice the limit, ends as one output")
    void arbitraryText(@ForAll("texts") String text) {
        assertOneOutputThenServes(Modality.TEXT, event(Modality.TEXT, "fuzz", text.getBytes(StandardCharsets.UTF_8)));
    }

    @Property
    @Label("any mutation of a PNG, JPEG, GIF, BMP or WebP file, sent inline, ends as one output")
    void mutatedImageFiles(@ForAll("imageFormats") String format, @ForAll long seed,
                           @ForAll @IntRange(min = 1, max = 24) int edits) {
        byte[] file = mutate(imageFile(format, seed), seed, edits);
        assertOneOutputThenServes(Modality.IMAGE, event(Modality.IMAGE, "fuzz", file));
    }

    @Property
    @Label("any mutation of a WAV file (header fields as well as bytes) ends as one output")
    void mutatedWavFiles(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int edits) {
        byte[] wav = TestMedia.wav(0.25, 8_000 + (int) Math.floorMod(seed, 40_000), 440);
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer header = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        // RIFF size, fmt size, format, channels, rate, byte rate, block align, bits, data size.
        int[][] fields = {{4, 4}, {16, 4}, {20, 2}, {22, 2}, {24, 4}, {28, 4}, {32, 2}, {34, 2}, {40, 4}};
        for (int i = 0; i < edits; i++) {
            int[] field = fields[random.nextInt(fields.length)];
            if (field[1] == 4) {
                header.putInt(field[0], random.nextBoolean() ? random.nextInt() : random.nextInt(-2, 70_000));
            } else {
                header.putShort(field[0], (short) (random.nextBoolean() ? random.nextInt() : random.nextInt(-2, 40)));
            }
        }
        byte[] file = random.nextBoolean() ? wav : mutate(wav, seed, edits);
        assertOneOutputThenServes(Modality.AUDIO, event(Modality.AUDIO, "fuzz", file));
    }

    @Property
    @Label("any URI (schemes, traversal, symbolic links, loopback spellings, encodings) ends as one output")
    void arbitraryUris(@ForAll("modalitiesWithUris") Modality modality, @ForAll("uris") String uri) {
        assertOneOutputThenServes(modality, uriEvent(modality, "fuzz", uri));
    }

    @Example
    @Label("the unmutated seeds embed: the fuzzing starts from valid files")
    void seedsEmbed() {
        for (String format : imageFormatNames()) {
            pipe(Modality.IMAGE, event(Modality.IMAGE, "seed-" + format, imageFile(format, 7)));
            assertThat(pipeline.deadLetters()).as("the %s seed is valid", format).isEmpty();
            assertThat(pipeline.embeddings(Modality.IMAGE)).as("the %s seed embeds", format).hasSize(1);
        }
        pipe(Modality.IMAGE, uriEvent(Modality.IMAGE, "seed-uri", allowedDir.resolve("ok.png").toUri().toString()));
        assertThat(pipeline.embeddings(Modality.IMAGE)).as("an allowed file URI embeds").hasSize(1);
    }

    // ---- the check every case ends with ----

    private void assertOneOutputThenServes(Modality modality, byte[] value) {
        long started = System.nanoTime();
        pipe(modality, value);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters();
        List<TestRecord<String, byte[]>> embedded = new ArrayList<>();
        for (Modality m : Modality.values()) {
            embedded.addAll(pipeline.embeddings(m));
        }
        assertThat(dead.size() + embedded.size()).as("one output for the fuzzed record (dead letters %s)",
                reasons(dead)).isEqualTo(1);
        assertThat(reasons(dead)).as("a reason the decoders name, not an exception nobody foresaw")
                .doesNotContain(DeadLetterReason.PROCESSING_FAILED.name());
        assertThat(elapsedMs).as("decided in bounded time").isLessThan(CASE_BOUND_MS);

        String sentinel = "sentinel-" + sequence;
        pipe(modality, event(modality, sentinel, validContent(modality, sequence)));
        assertThat(pipeline.deadLetters()).as("the next good record is not refused").isEmpty();
        assertThat(pipeline.embeddings(modality)).extracting(TestRecord::key)
                .as("the next good record is embedded").containsExactly(sentinel);
    }

    private void pipe(Modality modality, byte[] value) {
        pipeline.input(modality).pipeInput(("k-" + sequence++).getBytes(StandardCharsets.UTF_8), value);
    }

    private static List<String> reasons(List<TestRecord<byte[], byte[]>> letters) {
        return letters.stream().map(r -> {
            Header header = r.headers().lastHeader(DeadLetterHeaders.REASON);
            return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
        }).toList();
    }

    // ---- generators ----

    @Provide
    Arbitrary<Modality> modalities() {
        return Arbitraries.of(Modality.class);
    }

    @Provide
    Arbitrary<Modality> modalitiesWithUris() {
        return Arbitraries.of(Modality.IMAGE, Modality.AUDIO);
    }

    @Provide
    Arbitrary<String> imageFormats() {
        return Arbitraries.of(imageFormatNames());
    }

    @Provide
    Arbitrary<String> texts() {
        int limit = PipelineConfig.defaults().inputLimit(Modality.TEXT);
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars('\u00A0', '\u200B', '\u2060', '\uFEFF', ' ', '\t', '\n').ofMaxLength(50),
                Arbitraries.strings().all().ofMinLength(limit - 5).ofMaxLength(2 * limit));
    }

    @Provide
    Arbitrary<String> uris() {
        String allowed = allowedDir.toUri().toString();
        Arbitrary<String> prefix = Arbitraries.of(allowed, allowed + "sub/", allowed + "../", allowed + "%2e%2e/",
                "file:///etc/", "file:/", "file://localhost" + allowedDir + "/", "FILE:" + allowedDir + "/",
                "http://localhost/", "http://127.0.0.1:9/", "http://0x7f000001/", "http://[::1]/", "http://2130706433/",
                "https://example.org/", "http://169.254.169.254/latest/", "ftp://localhost/", "jar:file:" + allowedDir + "!/",
                "data:image/png;base64,", "", "//", "mailto:", "\\\\server\\share\\");
        Arbitrary<String> name = Arbitraries.of("ok.png", "ok.wav", "link-out.png", "missing.png", "sub", "..",
                "../outside.png", "ok.png%00.txt", "ok.png?x=1#f", "%6f%6b.png", "ok.png/", " ok.png", "\u00e9.png");
        Arbitrary<String> noise = Arbitraries.strings().all().ofMaxLength(30);
        return Combinators.combine(prefix, name, noise, Arbitraries.integers().between(0, 3))
                .as((p, n, x, shape) -> switch (shape) {
                    case 0 -> p + n;
                    case 1 -> p + n + x;
                    case 2 -> p + x;
                    default -> p + "a/".repeat(200) + n;
                });
    }

    private static List<String> imageFormatNames() {
        return List.of("png", "jpeg", "gif", "bmp", "webp-lossless", "webp-lossy");
    }

    /** A small valid file of {@code format}: written by ImageIO, or for WebP (no JDK writer) a known 1×1 file. */
    private static byte[] imageFile(String format, long seed) {
        return switch (format) {
            // The 1×1 lossless and lossy WebP files that browsers' WebP feature detection decodes.
            case "webp-lossless" -> Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
            case "webp-lossy" -> Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
            default -> {
                BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
                SplittableRandom random = new SplittableRandom(seed);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        image.setRGB(x, y, random.nextInt(1 << 24));
                    }
                }
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    if (!ImageIO.write(image, format, out)) {
                        throw new IllegalStateException("no ImageIO writer for " + format);
                    }
                    yield out.toByteArray();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static byte[] validContent(Modality modality, long seed) {
        return switch (modality) {
            case TEXT -> ("a sentence about streams, number " + seed).getBytes(StandardCharsets.UTF_8);
            case IMAGE -> TestMedia.png((int) Math.floorMod(seed, 1000));
            case AUDIO -> TestMedia.halfSecondWav(200 + Math.floorMod(seed, 800));
        };
    }

    private static byte[] event(Modality modality, String id, byte[] content) {
        return backing.event(modality, id, content);
    }

    private static byte[] uriEvent(Modality modality, String id, String uri) {
        String topic = TOPICS.events(modality);
        return modality == Modality.IMAGE
                ? new SpecificAvroSerializer<ImageEvent>(registry).serialize(topic,
                        ImageEvent.newBuilder().setId(id).setUri(uri).build())
                : new SpecificAvroSerializer<AudioEvent>(registry).serialize(topic,
                        AudioEvent.newBuilder().setId(id).setUri(uri).build());
    }

    /**
     * {@code edits} seeded edits of {@code bytes}: flip a bit, overwrite a byte with a boundary
     * value, truncate, insert random bytes, or repeat a span (as a length or count field that
     * lies would make a decoder read).
     */
    static byte[] mutate(byte[] bytes, long seed, int edits) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] out = bytes.clone();
        byte[] boundaries = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe};
        for (int i = 0; i < edits && out.length > 0; i++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(5)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[at] = boundaries[random.nextInt(boundaries.length)];
                case 2 -> out = java.util.Arrays.copyOf(out, at);
                case 3 -> {
                    byte[] inserted = new byte[random.nextInt(1, 64)];
                    random.nextBytes(inserted);
                    byte[] grown = new byte[out.length + inserted.length];
                    System.arraycopy(out, 0, grown, 0, at);
                    System.arraycopy(inserted, 0, grown, at, inserted.length);
                    System.arraycopy(out, at, grown, at + inserted.length, out.length - at);
                    out = grown;
                }
                default -> {
                    int length = Math.min(random.nextInt(1, 256), out.length - at);
                    byte[] grown = new byte[out.length + length];
                    System.arraycopy(out, 0, grown, 0, at + length);
                    System.arraycopy(out, at, grown, at + length, out.length - at);
                    out = grown;
                }
            }
        }
        return out;
    }
}
