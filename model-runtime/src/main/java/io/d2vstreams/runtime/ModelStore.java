package io.d2vstreams.runtime;

import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.internal.ManifestCodec;
import io.d2vstreams.runtime.internal.ProbeCheck;
import io.d2vstreams.runtime.internal.onnx.OnnxWeights;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.store.Sha256;
import io.d2vstreams.runtime.store.StagedDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model versions on disk: {@code <root>/<modality>/v<version>/} with a {@code manifest.json}
 * (SHA-256 of every other file) beside the model files. A version is written into a temporary
 * folder and renamed into place in one step, so readers never see half a version, and it is
 * never modified afterwards. Loading verifies every checksum and runs a probe batch before the
 * encoder may serve.
 */
public final class ModelStore {

    /** The ONNX graph of a version. */
    public static final String MODEL_FILE = "model.onnx";
    /** Hugging Face style model config. */
    public static final String CONFIG_FILE = "config.json";
    /** Hugging Face tokenizers file (text models). */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** Hugging Face image processor or feature extractor config (image and audio models). */
    public static final String PREPROCESSOR_FILE = "preprocessor_config.json";

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private static final Pattern VERSION_DIR = Pattern.compile("v([1-9][0-9]{0,8})");
    private static final int MAX_VERSION_RACES = 16;
    /** Writes the files of a new version into an empty folder (everything but the manifest). */
    @FunctionalInterface
    public interface VersionWriter {
        void writeTo(Path directory) throws IOException;
    }

    private final Path root;
    private final Clock clock;

    public ModelStore(Path root) {
        this(root, Clock.systemUTC());
    }

    ModelStore(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path root() {
        return root;
    }

    /** Every complete version of the modality, oldest first. */
    public List<ModelManifest> versions(Modality m) {
        Path dir = root.resolve(m.folderName());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<ModelManifest> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                Matcher match = VERSION_DIR.matcher(child.getFileName().toString());
                if (match.matches() && Files.isRegularFile(child.resolve(ManifestCodec.FILE))) {
                    readListed(child, m, Integer.parseInt(match.group(1))).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model versions in " + dir, e);
        }
        out.sort(Comparator.comparingInt(ModelManifest::version));
        return List.copyOf(out);
    }

    public Optional<ModelManifest> latest(Modality m) {
        List<ModelManifest> all = versions(m);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The version {@code version} of the modality. */
    public Optional<ModelManifest> version(Modality m, int version) {
        Path dir = root.resolve(m.folderName()).resolve("v" + version);
        return Files.isRegularFile(dir.resolve(ManifestCodec.FILE)) ? Optional.of(readManifest(dir)) : Optional.empty();
    }

    /**
     * The manifest of a version folder wherever it lies (copied or mounted, not only under a
     * store's root), so {@code d2v embed --model DIR} can serve it; the load checks stay those
     * of {@link #load}.
     *
     * @throws UncheckedIOException when the folder has no readable manifest
     */
    public static ModelManifest readVersion(Path directory) {
        return readManifest(directory);
    }

    /**
     * Generates the seeded tiny encoder of the modality as the next version. The same seed gives
     * byte-identical model files (and so identical checksums); another seed, other weights.
     * Sizes: each spec's {@link ModalitySpec#config(ModelSize)} of {@link ModelSize#TINY} (64×64
     * images, 16 kHz audio).
     */
    public ModelManifest initDefault(Modality m, long seed) {
        return initSeeded(m, ModelSize.TINY, seed);
    }

    /** Generates a seeded encoder of the modality and size as the next version, as {@link #initDefault} does. */
    public ModelManifest initSeeded(Modality m, ModelSize size, long seed) {
        return add(seededVersion(m, size, seed));
    }

    /**
     * The newest version of the modality, or, when it has none, the seeded tiny default as v1.
     * Safe when several processes sharing the store start at once (the pipeline and the trainer
     * of {@code d2v up}, or replicas): only one of them creates v1 and the others get that same
     * v1, instead of each adding an identical "next" version.
     */
    public ModelManifest latestOrSeed(Modality m, long seed) {
        Optional<ModelManifest> latest = latest(m);
        if (latest.isPresent()) {
            return latest.get();
        }
        // Empty result: another process renamed its v1 into place first; serve that one.
        return write(seededVersion(m, ModelSize.TINY, seed), true).or(() -> latest(m))
                .orElseThrow(() -> new IllegalStateException("v1 of " + m + " was taken under " + root + " but cannot be read"));
    }

    private NewVersion seededVersion(Modality m, ModelSize size, long seed) {
        return seededVersion(ModalitySpecs.of(m), size, seed);
    }

    private static <C extends EncoderConfig, P> NewVersion seededVersion(ModalitySpec<C, P, ?> spec, ModelSize size,
            long seed) {
        C config = spec.config(size);
        return newVersion(spec, size.modelName(spec.modality()), config, spec.seededWeights(config, seed),
                spec.defaultPreprocessing(config));
    }

    /**
     * Writes an encoder of the spec's modality (weights under Hugging Face names) as its next
     * version: {@code model.onnx}, {@code config.json} and the preprocessing's file
     * ({@code tokenizer.json} for text, {@code preprocessor_config.json} for images and audio).
     *
     * @throws IllegalArgumentException when the weights do not fit the config, or the
     *     preprocessing does not fit the model (an image processor that makes images of another size)
     */
    public <C extends EncoderConfig, P> ModelManifest add(ModalitySpec<C, P, ?> spec, String name, C config,
            TensorBundle weights, P preprocessing) {
        return add(newVersion(spec, name, config, weights, preprocessing));
    }

    /**
     * A version of any modality, ready to write: the graph (written first, so weights that do not
     * fit fail before anything touches the disk), the config and the preprocessing's files.
     */
    private static <C extends EncoderConfig, P> NewVersion newVersion(ModalitySpec<C, P, ?> spec, String name,
            C config, TensorBundle weights, P preprocessing) {
        byte[] onnx = spec.writeGraph(config, weights, preprocessing);
        Map<String, Object> hfConfig = config.toHuggingFace();
        byte[] configJson = Json.write(hfConfig);
        byte[] preprocessingFile = spec.writePreprocessing(preprocessing);
        return new NewVersion(spec.modality(), name, config.hiddenSize(), hfConfig, dir -> {
            Files.write(dir.resolve(MODEL_FILE), onnx);
            Files.write(dir.resolve(CONFIG_FILE), configJson);
            Files.write(dir.resolve(spec.preprocessingFile()), preprocessingFile);
        });
    }

    /** A version ready to be written into the store. */
    private record NewVersion(Modality modality, String name, int dim, Map<String, Object> config, VersionWriter writer) {
    }

    private ModelManifest add(NewVersion v) {
        return addVersion(v.modality(), v.name(), v.dim(), v.config(), v.writer());
    }

    /**
     * Adds the next version of a modality: {@code writer} fills a fresh folder, the store hashes
     * every file, writes the manifest, syncs, and renames the folder into place atomically. If
     * another process takes the same version number first, the next free one is used.
     */
    public ModelManifest addVersion(Modality m, String name, int dim, Map<String, Object> config, VersionWriter writer) {
        return write(new NewVersion(m, name, dim, config, writer), false).orElseThrow();
    }

    /**
     * Writes {@code v} as the next free version or, with {@code firstOnly}, as v1 only: empty
     * when another writer took v1 first.
     */
    private synchronized Optional<ModelManifest> write(NewVersion v, boolean firstOnly) {
        Modality m = v.modality();
        Path modalityDir = root.resolve(m.folderName());
        try (StagedDirectory staged = StagedDirectory.create(modalityDir)) {
            v.writer().writeTo(staged.path());
            Map<String, String> sha = hashSynced(staged);
            long now = clock.millis();
            int version = firstOnly ? 1 : latest(m).map(ModelManifest::version).orElse(0) + 1;
            int attempts = firstOnly ? 1 : MAX_VERSION_RACES;
            for (int attempt = 0; attempt < attempts; attempt++, version++) {
                Path target = modalityDir.resolve("v" + version);
                ModelManifest manifest = new ModelManifest(m, v.name(), version, v.dim(), sha, v.config(), target, now);
                staged.writeSynced(ManifestCodec.FILE, ManifestCodec.write(manifest));
                if (!staged.publishAs(target)) {
                    continue; // another writer took this version number
                }
                LOG.info("event=model_version_added modality={} model={} version={} dim={} digest={}",
                        m, v.name(), version, v.dim(), manifest.digest());
                return Optional.of(manifest);
            }
            if (firstOnly) {
                return Optional.empty();
            }
            throw new IOException("gave up after " + MAX_VERSION_RACES + " version numbers were taken concurrently");
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("the model store at " + root + " needs a file system with atomic rename", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a new " + m + " version under " + modalityDir, e);
        }
    }

    /**
     * Opens the encoder of a version after checking it, in order: the spec's modality, every
     * file's SHA-256, a config the spec's graph writer understands with the manifest's output
     * size, usable preprocessing (from the version's preprocessing file, or the spec's defaults
     * where that file is optional and absent: data2vec-vision's at {@code image_size}, 16 kHz
     * normalised audio), an encoder that opens with the inputs and output its modality needs, and
     * a probe batch of {@code dim}-long finite vectors.
     *
     * @throws ModelLoadException with the reason, when any check fails
     */
    public <I> Encoder<I> load(ModalitySpec<?, ?, I> spec, ModelManifest manifest, EncoderOptions options) {
        return checkedLoad(spec, manifest, options);
    }

    private static <C extends EncoderConfig, P, I> Encoder<I> checkedLoad(ModalitySpec<C, P, I> spec,
            ModelManifest manifest, EncoderOptions options) {
        Objects.requireNonNull(options, "options");
        ModelId id = manifest.id();
        requireModality(manifest, spec.modality());
        Map<String, byte[]> files = verifiedFiles(manifest, neededFiles(spec, manifest));
        C config;
        try {
            config = spec.fromHuggingFace(Json.readObject(files.get(CONFIG_FILE)));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException(id, CONFIG_FILE + " is not a usable " + spec.configKind() + " config: "
                    + e.getMessage(), e);
        }
        requireDim(manifest, config.hiddenSize());
        P preprocessing;
        try {
            preprocessing = spec.readPreprocessing(config, files.get(spec.preprocessingFile()));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException(id, spec.preprocessingFile() + " is not a usable " + spec.preprocessingKind()
                    + ": " + e.getMessage(), e);
        }
        Encoder<I> encoder;
        try {
            encoder = spec.open(id, config, files.get(MODEL_FILE), preprocessing, options);
        } catch (Exception e) {
            throw new ModelLoadException(id, "failed to load: " + e.getMessage(), e);
        }
        probe(encoder, spec.probeInputs(), manifest.dim());
        LOG.info("event=model_loaded modality={} model={} version={} dim={} device={} {}", spec.modality(),
                id.name(), id.version(), manifest.dim(), encoder.device(), spec.describe(config, preprocessing));
        return encoder;
    }

    private static void requireModality(ModelManifest manifest, Modality expected) {
        if (manifest.modality() != expected) {
            throw new ModelLoadException(manifest.id(), "is a " + manifest.modality() + " model, not a " + expected + " one");
        }
    }

    private static void requireDim(ModelManifest manifest, int hiddenSize) {
        if (hiddenSize != manifest.dim()) {
            throw new ModelLoadException(manifest.id(), "wrong output size: " + CONFIG_FILE + " says hidden_size "
                    + hiddenSize + ", the manifest says dim " + manifest.dim());
        }
    }

    /** The model, its config and the preprocessing file, unless it is optional and the version has none. */
    private static List<String> neededFiles(ModalitySpec<?, ?, ?> spec, ModelManifest manifest) {
        String preprocessing = spec.preprocessingFile();
        return spec.preprocessingRequired() || manifest.sha256ByFile().containsKey(preprocessing)
                ? List.of(MODEL_FILE, CONFIG_FILE, preprocessing)
                : List.of(MODEL_FILE, CONFIG_FILE);
    }

    /** Runs the probe batch; an encoder that fails it is closed and refused. */
    private static <I> void probe(Encoder<I> encoder, List<I> batch, int dim) {
        Optional<String> problem = ProbeCheck.problem(encoder, batch, dim);
        if (problem.isPresent()) {
            encoder.close();
            throw new ModelLoadException(encoder.id(), problem.get());
        }
    }

    /**
     * The weights of a version under their Hugging Face names, read from its checksum-verified
     * {@code model.onnx}: where the trainer continues from.
     *
     * @throws ModelLoadException when a checksum does not match or the model is unreadable
     */
    public TensorBundle readWeights(ModelManifest manifest) {
        byte[] model = verifiedFiles(manifest, List.of(MODEL_FILE)).get(MODEL_FILE);
        try {
            return OnnxWeights.read(model);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(manifest.id(), MODEL_FILE + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the SHA-256 of every file the manifest lists, and returns the contents of the
     * {@code needed} ones from the very bytes that were hashed, so a file cannot change between
     * the check and the load.
     */
    private static Map<String, byte[]> verifiedFiles(ModelManifest manifest, List<String> needed) {
        ModelId id = manifest.id();
        for (String file : needed) {
            if (!manifest.sha256ByFile().containsKey(file)) {
                throw new ModelLoadException(id, "manifest lists no " + file);
            }
        }
        Map<String, byte[]> contents = new HashMap<>();
        for (Map.Entry<String, String> e : manifest.sha256ByFile().entrySet()) {
            String file = e.getKey();
            Path path = manifest.directory().resolve(file).normalize();
            if (!path.getParent().equals(manifest.directory().normalize())) {
                throw new ModelLoadException(id, "manifest names a file outside its folder: " + file);
            }
            String actual;
            try {
                if (needed.contains(file)) {
                    byte[] bytes = Files.readAllBytes(path);
                    contents.put(file, bytes);
                    actual = Sha256.of(bytes);
                } else {
                    actual = Sha256.of(path);
                }
            } catch (NoSuchFileException ex) {
                throw new ModelLoadException(id, "file " + file + " is missing", ex);
            } catch (IOException ex) {
                throw new ModelLoadException(id, "cannot read " + file + ": " + ex.getMessage(), ex);
            }
            if (!actual.equalsIgnoreCase(e.getValue())) {
                throw new ModelLoadException(id, "checksum mismatch for " + file + ": manifest says sha256 "
                        + e.getValue() + ", file has " + actual);
            }
        }
        return contents;
    }

    /**
     * A listed version's manifest; one that is unreadable or disagrees with its folder is left
     * out with a WARN, so one damaged version does not hide the others.
     */
    private static Optional<ModelManifest> readListed(Path dir, Modality m, int version) {
        try {
            ModelManifest manifest = readManifest(dir);
            if (manifest.modality() == m && manifest.version() == version) {
                return Optional.of(manifest);
            }
            LOG.warn("event=model_version_skipped path={} reason=\"manifest says {} v{}\"",
                    dir, manifest.modality(), manifest.version());
        } catch (UncheckedIOException e) {
            LOG.warn("event=model_version_skipped path={} reason=\"{}\"", dir, e.getMessage());
        }
        return Optional.empty();
    }

    private static ModelManifest readManifest(Path dir) {
        try {
            return ManifestCodec.read(Files.readAllBytes(dir.resolve(ManifestCodec.FILE)), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + dir + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of every file of a staged version, each flushed to disk first (the manifest excluded). */
    private static Map<String, String> hashSynced(StagedDirectory staged) throws IOException {
        Map<String, String> sha = new TreeMap<>();
        for (Path f : staged.syncFiles()) {
            String name = f.getFileName().toString();
            if (!name.equals(ManifestCodec.FILE)) {
                sha.put(name, Sha256.of(f));
            }
        }
        return sha;
    }
}
