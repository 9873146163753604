package io.d2vstreams.runtime.importer;

import io.d2vstreams.runtime.EncoderConfig;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModalitySpecs;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.TruncationPolicy;
import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextParameters;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.runtime.text.internal.TokenCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a Hugging Face data2vec checkpoint from a local folder into the model store as the
 * next version of its modality. The folder is what {@code save_pretrained(...,
 * safe_serialization=True)} writes: {@code config.json}, {@code model.safetensors}, and
 * {@code tokenizer.json} (text) or {@code preprocessor_config.json} (image, audio).
 *
 * <p>Nothing reaches the store unless the whole checkpoint is consistent: the config parses into
 * a model the ONNX writer builds, every tensor it calls for is present with its shape, and the
 * tokenizer loads. The ONNX writers use Hugging Face's parameter names, so no tensor is renamed
 * beyond dropping the base-model prefix ({@link CheckpointNames}).
 */
public final class CheckpointImporter {

    /** Called after each tensor is read, for a progress display. */
    @FunctionalInterface
    public interface Progress {
        void tensorsRead(int done, int total);

        Progress NONE = (done, total) -> { };
    }

    /**
     * What to import.
     *
     * @param directory the checkpoint folder
     * @param modality the modality it must have; empty: the one {@code config.json}'s {@code model_type} names
     * @param name the model family name in the store; empty: the folder's name
     */
    public record Request(Path directory, Optional<Modality> modality, Optional<String> name) {
        public Request {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(modality, "modality");
            Objects.requireNonNull(name, "name");
            if (name.isPresent() && name.get().isBlank()) {
                throw new IllegalArgumentException("model name must not be blank");
            }
        }

        public static Request of(Path directory) {
            return new Request(directory, Optional.empty(), Optional.empty());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointImporter.class);

    private final ModelStore store;

    public CheckpointImporter(ModelStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public ModelManifest importCheckpoint(Request request) {
        return importCheckpoint(request, Progress.NONE);
    }

    /**
     * @return the new version's manifest
     * @throws CheckpointException when the checkpoint is refused, with the reason
     * @throws UncheckedIOException when the folder or the store cannot be read or written
     */
    public ModelManifest importCheckpoint(Request request, Progress progress) {
        Path dir = request.directory();
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + " is not a directory");
        }
        try {
            Map<String, Object> hfConfig = readConfig(dir);
            Modality modality = modality(request, hfConfig);
            String name = request.name().orElseGet(() -> dir.toAbsolutePath().normalize().getFileName().toString());
            ModelManifest manifest = switch (modality) {
                case TEXT -> importText(dir, hfConfig, name, progress);
                case IMAGE, AUDIO -> importMedia(ModalitySpecs.of(modality), dir, hfConfig, name, progress);
            };
            LOG.info("event=checkpoint_imported source={} modality={} model={} version={} dim={}",
                    dir, modality, manifest.name(), manifest.version(), manifest.dim());
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import the checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The modality a Hugging Face {@code model_type} stands for; empty when it names none of ours. */
    public static Optional<Modality> modalityOf(Map<String, ?> hfConfig) {
        Object type = hfConfig.get("model_type");
        if (type == null) {
            return Optional.empty();
        }
        return ModalitySpecs.all().stream().filter(spec -> spec.modelTypes().contains(type.toString()))
                .map(ModalitySpec::modality).findFirst();
    }

    private ModelManifest importText(Path dir, Map<String, Object> hfConfig, String name, Progress progress)
            throws IOException {
        TextEncoderConfig config = parseConfig(dir, () -> TextEncoderConfig.fromHuggingFace(hfConfig));
        byte[] tokenizer = readTokenizer(dir, config);
        TensorBundle weights = CheckpointWeights.read(dir, TextParameters.shapes(config), progress);
        return store.add(TextSpec.INSTANCE, name, config, weights, tokenizer);
    }

    /**
     * An image or audio checkpoint: its config, its {@code preprocessor_config.json} (the data2vec
     * defaults when it has none), and every tensor the spec's encoder uses.
     */
    private <C extends EncoderConfig, P> ModelManifest importMedia(ModalitySpec<C, P, ?> spec, Path dir,
            Map<String, Object> hfConfig, String name, Progress progress) throws IOException {
        C config = parseConfig(dir, () -> spec.fromHuggingFace(hfConfig));
        Optional<byte[]> json = readPreprocessorConfig(dir);
        P preprocessing = json.isEmpty()
                ? spec.defaultPreprocessing(config)
                : parsePreprocessing(dir, () -> spec.readPreprocessing(config, json.get()));
        TensorBundle weights = CheckpointWeights.read(dir, spec.shapes(config), progress);
        try {
            return store.add(spec, name, config, weights, preprocessing);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(dir + ": " + e.getMessage(), e);
        }
    }

    /** A config parser's refusal (key, value, what was expected) becomes the checkpoint's, naming the file. */
    private static <C> C parseConfig(Path dir, Supplier<C> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(dir.resolve(ModelStore.CONFIG_FILE) + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface PreprocessingParser<P> {
        P parse() throws IOException;
    }

    private static <P> P parsePreprocessing(Path dir, PreprocessingParser<P> parser) {
        try {
            return parser.parse();
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(dir.resolve(ModelStore.PREPROCESSOR_FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoint's preprocessing, when it ships one. Without it the data2vec defaults apply,
     * which is what transformers does too, but an operator should know, hence the WARN.
     */
    private static Optional<byte[]> readPreprocessorConfig(Path dir) throws IOException {
        Path file = dir.resolve(ModelStore.PREPROCESSOR_FILE);
        if (!Files.isRegularFile(file)) {
            LOG.warn("event=checkpoint_preprocessing_defaulted source={} reason=\"no {}; using the data2vec defaults\"",
                    dir, ModelStore.PREPROCESSOR_FILE);
            return Optional.empty();
        }
        return Optional.of(Files.readAllBytes(file));
    }

    private static Modality modality(Request request, Map<String, Object> hfConfig) {
        Optional<Modality> declared = modalityOf(hfConfig);
        if (request.modality().isPresent()) {
            Modality wanted = request.modality().get();
            if (declared.isPresent() && declared.get() != wanted) {
                throw new CheckpointException(request.directory() + " holds a " + declared.get()
                        + " model (config.json model_type '" + hfConfig.get("model_type") + "'), not a " + wanted + " one");
            }
            return wanted;
        }
        return declared.orElseThrow(() -> new CheckpointException(request.directory().resolve(ModelStore.CONFIG_FILE)
                + " has model_type " + hfConfig.get("model_type") + ", which names no data2vec modality"
                + " (" + String.join(", ", ModalitySpecs.all().stream().flatMap(spec -> spec.modelTypes().stream()).toList())
                + "); pass the modality explicitly"));
    }

    private static Map<String, Object> readConfig(Path dir) throws IOException {
        Path file = dir.resolve(ModelStore.CONFIG_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(dir + " has no " + ModelStore.CONFIG_FILE, e);
        }
        try {
            return Json.readObject(bytes);
        } catch (IOException e) {
            throw new CheckpointException(file + " is not a JSON object: " + e.getMessage(), e);
        }
    }

    /** The tokenizer bytes, after proving that the tokenizers library loads them as the encoder will. */
    private static byte[] readTokenizer(Path dir, TextEncoderConfig config) throws IOException {
        Path file = dir.resolve(ModelStore.TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(dir + " has no " + ModelStore.TOKENIZER_FILE + "; text checkpoints need the"
                    + " fast tokenizer's file (vocab.json and merges.txt alone are not read)");
        }
        byte[] bytes = Files.readAllBytes(file);
        try (TokenCounter probe = TokenCounter.open(bytes, config, TruncationPolicy.TRUNCATE)) {
            probe.lengths(List.of("data2vec"));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + " is not a usable Hugging Face tokenizer: " + e.getMessage(), e);
        }
        return bytes;
    }
}
