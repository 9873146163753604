package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.text.TextSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed inputs directly with an encoder (no Kafka): one vector per input, in input order.",
                "Without --model, the latest version in --store is used (the seeded default is generated first when"
                        + " the store has none)."})
final class EmbedCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    @Mixin
    ModelSelection selection;

    @Option(names = "--json", description = "One JSON object per line: {\"input\": ..., \"model_version\": n, \"vector\": [...]}.")
    boolean json;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "T",
            description = "ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (default: ${DEFAULT-VALUE}).")
    int threads;

    @Parameters(arity = "1..*", paramLabel = "INPUT",
            description = "Texts (text), or image / audio file paths. Put -- before inputs that start with a dash.")
    List<String> inputs;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        PrintWriter out = spec.commandLine().getOut();
        EncoderOptions options = EncoderOptions.defaults().withThreads(threads, 1);
        try (ModelSelection.Selected selected = selection.select(modality, spec.commandLine().getErr())) {
            ModelStore store = selected.store();
            ModelManifest model = selected.manifest();
            float[][] vectors = switch (modality) {
                case TEXT -> embed(store.load(TextSpec.INSTANCE, model, options), inputs);
                case IMAGE -> embed(store.load(ImageSpec.INSTANCE, model, options), readFiles(inputs));
                case AUDIO -> embed(store.load(AudioSpec.INSTANCE, model, options), readFiles(inputs));
            };
            for (int i = 0; i < vectors.length; i++) {
                out.println(json ? jsonLine(inputs.get(i), model.version(), vectors[i]) : plainLine(vectors[i]));
            }
        }
        out.flush();
        return 0;
    }

    /** Embeds and closes the encoder: a one-shot command has no further batch for it. */
    static <I> float[][] embed(Encoder<I> encoder, List<I> batch) {
        try (encoder) {
            return encoder.embed(batch);
        }
    }

    static List<byte[]> readFiles(List<String> paths) {
        List<byte[]> contents = new ArrayList<>(paths.size());
        for (String path : paths) {
            try {
                contents.add(Files.readAllBytes(Path.of(path)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read input file " + path + ": " + e.getMessage(), e);
            }
        }
        return contents;
    }

    private static String jsonLine(String input, int version, float[] vector) throws Exception {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("input", input);
        line.put("model_version", version);
        line.put("vector", vector);
        return JSON.writeValueAsString(line);
    }

    /** The vector's components separated by spaces: easy to read into numpy, awk or a spreadsheet. */
    private static String plainLine(float[] vector) {
        StringBuilder s = new StringBuilder(vector.length * 10);
        for (int j = 0; j < vector.length; j++) {
            s.append(j == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6f", vector[j]));
        }
        return s.toString();
    }
}
