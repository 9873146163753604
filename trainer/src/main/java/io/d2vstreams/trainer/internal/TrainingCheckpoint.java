package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.store.Sha256;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.trainer.CheckpointInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a trainer's checkpoint and their checks. A checkpoint folder holds
 * {@code student.tensors} (encoder, regression head, and for images the mask token, for audio
 * {@code masked_spec_embed}),
 * {@code teacher.tensors} (the teacher's own parameters; shared ones are the student's),
 * {@code optimizer.tensors} (AdamW's {@code exp_avg/<name>} and {@code exp_avg_sq/<name>}), the
 * input files trained with (text: {@code tokenizer.json}; images and audio:
 * {@code preprocessor_config.json}), and {@code checkpoint.json}: format, step, model name,
 * Hugging Face config (under {@code text_config}, {@code vision_config} or {@code audio_config}), the SHA-256 of every other file, and the
 * caller's {@code extra} map. Restoring checks everything before it changes anything, so a
 * refused checkpoint leaves the trainer as it was.
 */
public final class TrainingCheckpoint {

    public static final String STATE_FILE = "checkpoint.json";
    static final String STUDENT_FILE = "student.tensors";
    static final String TEACHER_FILE = "teacher.tensors";
    static final String OPTIMIZER_FILE = "optimizer.tensors";
    static final String TOKENIZER_FILE = "tokenizer.json";
    static final String PREPROCESSOR_FILE = "preprocessor_config.json";
    static final int FORMAT = 1;
    private static final String FIRST = "exp_avg/";
    private static final String SECOND = "exp_avg_sq/";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingCheckpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Without indentation: the bytes of checkpoints written before this mapper was shared. */
    private static final ObjectMapper COMPACT_JSON = new ObjectMapper();

    private TrainingCheckpoint() {}

    /** The live training state: written from, and restored into, these very arrays. */
    public record State(long step, String modelName, Architecture architecture, Map<String, NDArray> trainable,
            Map<String, NDArray> teacher, Map<String, NDArray> firstMoments, Map<String, NDArray> secondMoments) {}

    /**
     * What a checkpoint must have been trained with to be restored: the same architecture (its
     * Hugging Face config, stored under {@code configKey} and compared after parsing, so number
     * formats do not matter) and the same input files, byte for byte.
     *
     * @param configKey the key of the config in {@code checkpoint.json}
     * @param config the architecture, a record with value equality
     * @param huggingFace the config as written
     * @param parser reads a stored config back into a record comparable with {@code config}
     * @param files input files by name (the tokenizer, the image preprocessing)
     */
    public record Architecture(String configKey, Object config, Map<String, Object> huggingFace,
            Function<Map<String, Object>, Object> parser, Map<String, byte[]> files) {

        public Architecture {
            Objects.requireNonNull(config, "config");
            files = Map.copyOf(files);
        }

        public static Architecture text(TextEncoderConfig config, byte[] tokenizerJson) {
            return new Architecture("text_config", config, config.toHuggingFace(), TextEncoderConfig::fromHuggingFace,
                    Map.of(TOKENIZER_FILE, tokenizerJson.clone()));
        }

        public static Architecture image(ImageEncoderConfig config, ImagePreprocessorConfig preprocessing) {
            return new Architecture("vision_config", config, config.toHuggingFace(), ImageEncoderConfig::fromHuggingFace,
                    Map.of(PREPROCESSOR_FILE, preprocessorJson(preprocessing.toPreprocessorConfigJson())));
        }

        public static Architecture audio(AudioEncoderConfig config, AudioPreprocessorConfig preprocessing) {
            return new Architecture("audio_config", config, config.toHuggingFace(), AudioEncoderConfig::fromHuggingFace,
                    Map.of(PREPROCESSOR_FILE, preprocessorJson(preprocessing.toPreprocessorConfigJson())));
        }

        /** The preprocessing as {@code preprocessor_config.json}, compact, which a restored checkpoint must match. */
        private static byte[] preprocessorJson(Map<String, Object> preprocessorConfig) {
            try {
                return COMPACT_JSON.writeValueAsBytes(preprocessorConfig);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the preprocessing as JSON: " + e.getMessage(), e);
            }
        }

        /** The checkpoint's own files first, then the input files in name order. */
        List<String> fileNames() {
            List<String> names = new ArrayList<>(List.of(STUDENT_FILE, TEACHER_FILE, OPTIMIZER_FILE));
            names.addAll(new java.util.TreeSet<>(files.keySet()));
            return names;
        }
    }

    /** A checkpoint that was loaded into the state. */
    public record Restored(CheckpointInfo info) {}

    /** A checkpoint folder this trainer cannot use, and why. */
    static final class UnusableCheckpointException extends Exception {
        private static final long serialVersionUID = 1L;

        UnusableCheckpointException(String message) {
            super(message);
        }
    }

    public static CheckpointInfo write(Path root, State state, Map<String, String> extra, int keep) {
        Map<String, String> extraCopy = Map.copyOf(extra);
        long createdAt = System.currentTimeMillis();
        TensorBundle student = NdTensors.bundle(state.trainable());
        TensorBundle teacher = NdTensors.bundle(state.teacher());
        TensorBundle optimizer = optimizerBundle(state);
        Path folder = new CheckpointDirectory(root).write(state.step(), dir -> {
            TensorFile.write(dir.resolve(STUDENT_FILE), student);
            TensorFile.write(dir.resolve(TEACHER_FILE), teacher);
            TensorFile.write(dir.resolve(OPTIMIZER_FILE), optimizer);
            for (Map.Entry<String, byte[]> input : state.architecture().files().entrySet()) {
                Files.write(dir.resolve(input.getKey()), input.getValue());
            }
            Map<String, String> sha = new LinkedHashMap<>();
            for (String f : state.architecture().fileNames()) {
                sha.put(f, Sha256.of(dir.resolve(f)));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("format", FORMAT);
            json.put("step", state.step());
            json.put("model_name", state.modelName());
            json.put("created_at_ms", createdAt);
            json.put(state.architecture().configKey(), state.architecture().huggingFace());
            json.put("files", sha);
            json.put("extra", new java.util.TreeMap<>(extraCopy));
            Files.write(dir.resolve(STATE_FILE), JSON.writeValueAsBytes(json));
        }, keep);
        return new CheckpointInfo(folder, state.step(), extraCopy, createdAt);
    }

    /**
     * Loads the newest usable checkpoint under {@code root} into {@code state}'s arrays.
     *
     * @throws IllegalStateException when checkpoints exist and none is usable
     */
    public static Optional<Restored> restoreLatest(Path root, State state) {
        List<Path> candidates = new CheckpointDirectory(root).newestFirst();
        List<String> reasons = new ArrayList<>();
        for (Path folder : candidates) {
            try {
                return Optional.of(restore(folder, state));
            } catch (UnusableCheckpointException e) {
                reasons.add(folder.getFileName() + ": " + e.getMessage());
                LOG.warn("event=checkpoint_skipped path={} reason=\"{}\"", folder, e.getMessage());
            }
        }
        if (!candidates.isEmpty()) {
            throw new IllegalStateException("none of the " + candidates.size() + " checkpoints under " + root
                    + " fits this trainer: " + String.join("; ", reasons));
        }
        return Optional.empty();
    }

    static Restored restore(Path folder, State state) throws UnusableCheckpointException {
        Map<String, Object> json;
        try {
            json = JSON.readValue(folder.resolve(STATE_FILE).toFile(), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UnusableCheckpointException(STATE_FILE + " is unreadable: " + e.getMessage());
        }
        long step = readState(folder, json, state);
        TensorBundle student = readTensors(folder, STUDENT_FILE);
        TensorBundle teacher = readTensors(folder, TEACHER_FILE);
        TensorBundle optimizer = readTensors(folder, OPTIMIZER_FILE);
        Map<String, NDArray> first = prefixed(FIRST, state.firstMoments());
        Map<String, NDArray> second = prefixed(SECOND, state.secondMoments());
        Map<String, NDArray> moments = new LinkedHashMap<>(first);
        moments.putAll(second);
        requireSameTensors(STUDENT_FILE, student, state.trainable());
        requireSameTensors(TEACHER_FILE, teacher, state.teacher());
        requireSameTensors(OPTIMIZER_FILE, optimizer, moments);

        assign(student, state.trainable());
        assign(teacher, state.teacher());
        assign(optimizer, moments);
        @SuppressWarnings("unchecked")
        Map<String, String> extra = json.get("extra") instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
        long createdAt = json.get("created_at_ms") instanceof Number n ? n.longValue() : 0L;
        return new Restored(new CheckpointInfo(folder, step, extra, createdAt));
    }

    /** Checks format, step, architecture, input files and file checksums; returns the step. */
    private static long readState(Path folder, Map<String, Object> json, State state) throws UnusableCheckpointException {
        if (!(json.get("format") instanceof Number f) || f.intValue() != FORMAT) {
            throw new UnusableCheckpointException("format is " + json.get("format") + ", expected " + FORMAT);
        }
        if (!(json.get("step") instanceof Number s) || s.longValue() != CheckpointDirectory.stepOf(folder)) {
            throw new UnusableCheckpointException("step " + json.get("step") + " disagrees with the folder name");
        }
        Architecture architecture = state.architecture();
        Object config;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> hf = (Map<String, Object>) json.get(architecture.configKey());
            config = architecture.parser().apply(hf == null ? Map.of() : hf);
        } catch (RuntimeException e) {
            throw new UnusableCheckpointException(architecture.configKey() + " is unusable: " + e.getMessage());
        }
        if (!config.equals(architecture.config())) {
            throw new UnusableCheckpointException("it trains another architecture: " + config + ", this trainer has "
                    + architecture.config());
        }
        if (!(json.get("files") instanceof Map<?, ?> files)) {
            throw new UnusableCheckpointException(STATE_FILE + " lists no files");
        }
        for (String file : architecture.fileNames()) {
            Object expected = files.get(file);
            String actual;
            try {
                actual = Sha256.of(folder.resolve(file));
            } catch (IOException e) {
                throw new UnusableCheckpointException(file + " is unreadable: " + e.getMessage());
            }
            if (!actual.equals(expected)) {
                throw new UnusableCheckpointException("checksum mismatch for " + file + ": recorded " + expected
                        + ", file has " + actual);
            }
        }
        for (Map.Entry<String, byte[]> input : new java.util.TreeMap<>(architecture.files()).entrySet()) {
            String sha = Sha256.of(input.getValue());
            if (!sha.equals(files.get(input.getKey()))) {
                throw new UnusableCheckpointException("it was trained with another " + input.getKey() + " (sha256 "
                        + files.get(input.getKey()) + ", this trainer has " + sha + ")");
            }
        }
        return ((Number) json.get("step")).longValue();
    }

    private static TensorBundle readTensors(Path folder, String file) throws UnusableCheckpointException {
        try {
            return TensorFile.read(folder.resolve(file));
        } catch (IOException e) {
            throw new UnusableCheckpointException(e.getMessage());
        }
    }

    private static void requireSameTensors(String file, TensorBundle saved, Map<String, NDArray> live)
            throws UnusableCheckpointException {
        if (!saved.names().equals(live.keySet())) {
            throw new UnusableCheckpointException(file + " holds tensors " + saved.names() + ", the trainer has "
                    + live.keySet());
        }
        for (Map.Entry<String, NDArray> e : live.entrySet()) {
            if (!saved.get(e.getKey()).hasShape(e.getValue().getShape().getShape())) {
                throw new UnusableCheckpointException(file + ": tensor '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(saved.get(e.getKey()).shape()) + ", the trainer has "
                        + e.getValue().getShape());
            }
        }
    }

    private static void assign(TensorBundle saved, Map<String, NDArray> live) {
        live.forEach((name, array) -> NdTensors.assign(name, array, saved.get(name)));
    }

    private static TensorBundle optimizerBundle(State state) {
        Map<String, NDArray> all = new LinkedHashMap<>(prefixed(FIRST, state.firstMoments()));
        all.putAll(prefixed(SECOND, state.secondMoments()));
        return NdTensors.bundle(all);
    }

    private static Map<String, NDArray> prefixed(String prefix, Map<String, NDArray> arrays) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(prefix + name, a));
        return out;
    }
}
