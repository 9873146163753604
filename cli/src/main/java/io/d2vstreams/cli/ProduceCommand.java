package io.d2vstreams.cli;

import io.d2vstreams.cli.client.EventInput;
import io.d2vstreams.cli.client.EventInputs;
import io.d2vstreams.cli.client.EventProducer;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Write events to d2v.events.<modality>: texts given as arguments or one per line of a file, image and",
                "audio files by path or directory, or generated ones. Avro in the Confluent wire format, key = event id."})
final class ProduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    @ArgGroup(exclusive = true)
    Source source = new Source();

    static final class Source {
        @Option(names = "--file", paramLabel = "F", description = "Text: one event per line. Image/audio: the file.")
        Path file;

        @Option(names = "--dir", paramLabel = "D", description = "Every file of the directory (text: every line).")
        Path dir;

        @Option(names = "--generate", paramLabel = "N",
                description = "N generated events: sentences, images (JPEG/PNG) or WAV clips, seeded.")
        Integer generate;
    }

    @Parameters(paramLabel = "INPUT", arity = "0..*", description = "Texts, or image/audio file paths.")
    List<String> inputs = List.of();

    @Option(names = "--id-prefix", paramLabel = "P", description = "Prefix of the event ids (default: cli-<epoch seconds>-).")
    String idPrefix;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of --generate (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        String prefix = idPrefix != null ? idPrefix : "cli-" + System.currentTimeMillis() / 1000 + "-";
        List<EventInput> events = events(prefix);
        if (events.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "nothing to produce: give INPUT arguments, --file, --dir or --generate");
        }
        String topic = cluster.topics().events(modality);
        try (SchemaRegistryClient registry = cluster.registry();
             EventProducer producer = new EventProducer(cluster.clientProperties(), registry);
             StderrProgress progress = new StderrProgress("produce")) {
            producer.send(topic, modality, events, done -> progress.update(done, events.size()));
        }
        spec.commandLine().getOut().printf("produced %d %s events to %s (ids %s0...)%n", events.size(),
                modality.folderName(), topic, prefix);
        return 0;
    }

    private List<EventInput> events(String prefix) throws Exception {
        if (source.generate != null) {
            if (source.generate < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--generate must be at least 1, was " + source.generate);
            }
            return EventInputs.generated(modality, source.generate, seed, prefix);
        }
        if (source.file != null) {
            return EventInputs.fromFile(modality, source.file, prefix);
        }
        if (source.dir != null) {
            return EventInputs.fromDirectory(modality, source.dir, prefix);
        }
        return EventInputs.fromArguments(modality, inputs, prefix);
    }
}
