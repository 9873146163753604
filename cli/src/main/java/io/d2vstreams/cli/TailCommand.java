package io.d2vstreams.cli;

import io.d2vstreams.cli.client.RecordJson;
import io.d2vstreams.cli.client.TopicTail;
import io.d2vstreams.schemas.AvroDeserializer;
import io.d2vstreams.schemas.SchemaRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print the records of any topic as JSON lines, Avro values decoded with the registry",
                "(read_committed; joins no consumer group). Follows the topic until Ctrl-C unless a limit is given."})
final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TOPIC", description = "e.g. d2v.embeddings.text, d2v.dlq, d2v.models.")
    String topic;

    @Option(names = "--latest", description = "Only records written from now on (default: from the beginning).")
    boolean latest;

    @Option(names = {"-n", "--max"}, defaultValue = "0", paramLabel = "N", description = "Stop after N records (default: no limit).")
    long max;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", description = "Stop when no record arrives for this long.")
    Long idleTimeoutMs;

    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (SchemaRegistryClient registry = cluster.registry();
             AvroDeserializer values = new AvroDeserializer(registry)) {
            TopicTail.tail(cluster.clientProperties(), new RecordJson(values),
                    new TopicTail.Options(topic, !latest, max, idleTimeoutMs == null ? null : Duration.ofMillis(idleTimeoutMs)),
                    line -> {
                        out.println(line);
                        out.flush();
                    }, () -> Thread.currentThread().isInterrupted());
        }
        return 0;
    }
}
