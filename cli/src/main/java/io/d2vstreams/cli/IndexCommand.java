package io.d2vstreams.cli;

import io.d2vstreams.cli.index.EmbeddingIndexer;
import io.d2vstreams.cli.index.VectorIndexes;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"A reference downstream consumer: reads the embedding topics (read_committed) into embedded vector",
                "indexes (Apache Lucene HNSW), one per modality and model version, and switches the index that d2v search",
                "uses to a new version only at that version's cut-over on d2v.backfill, when every retained input has an",
                "embedding of it. Runs until Ctrl-C, or with --once until it has read what the topics hold now."})
final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--index-dir", paramLabel = "DIR", defaultValue = VectorIndexes.DEFAULT_DIR,
            description = "Where the indexes live (default: ${DEFAULT-VALUE}); a restart carries on from there.")
    Path indexDir;

    @Option(names = "--modality", split = ",", paramLabel = "M", converter = ModalityConverter.class,
            description = "Modalities to index, comma-separated (default: text, image and audio).")
    List<Modality> modalities;

    @Option(names = "--once", description = "Read the topics up to their current ends, commit and exit.")
    boolean once;

    @Option(names = "--commit-interval-ms", defaultValue = "1000", paramLabel = "MS",
            description = "How often the indexes are committed and a reached cut-over switches (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        Set<Modality> chosen = modalities == null || modalities.isEmpty() ? EnumSet.allOf(Modality.class) : EnumSet.copyOf(modalities);
        VectorIndexes indexes = new VectorIndexes(indexDir);
        PrintWriter err = spec.commandLine().getErr();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: ask the loop to stop, and hold the JVM until it has committed and closed the indexes.
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "d2v-index-shutdown");
        try (SchemaRegistryClient registry = cluster.registry();
             EmbeddingIndexer indexer = new EmbeddingIndexer(cluster.clientProperties(), registry, cluster.topics(), indexes, chosen)) {
            if (once) {
                indexer.catchUp(Duration.ofMinutes(10));
            } else {
                Runtime.getRuntime().addShutdownHook(hook);
                err.println("d2v index: indexing " + chosen + " into " + indexDir.toAbsolutePath() + " until Ctrl-C");
                err.flush();
                indexer.run(stop::get, Duration.ofMillis(commitIntervalMs));
            }
            for (Modality modality : chosen) {
                err.printf("%s: serving %s, versions indexed %s%n", modality.folderName(),
                        indexes.serving(modality).isPresent() ? "v" + indexes.serving(modality).getAsInt() : "none yet",
                        indexes.versions(modality));
            }
            err.printf("%d embeddings indexed%n", indexer.indexed());
            err.flush();
        } finally {
            finished.countDown();
        }
        return 0;
    }
}
