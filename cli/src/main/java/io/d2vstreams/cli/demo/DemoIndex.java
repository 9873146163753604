package io.d2vstreams.cli.demo;

import io.d2vstreams.cli.index.EmbeddingIndexer;
import io.d2vstreams.cli.index.VectorIndexes;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.topology.PipelineConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code d2v index} inside the demo: the same {@link EmbeddingIndexer} on a thread of its own,
 * following every modality's embedding topic and {@code d2v.backfill} from the start of the run,
 * so that the indexes are built while the demo goes on and the cut-over switches them as soon as
 * it is reached.
 */
final class DemoIndex implements AutoCloseable {
    /** Short, so that a reached cut-over switches the index within a fraction of a second. */
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);

    private final VectorIndexes indexes;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    private DemoIndex(VectorIndexes indexes, EmbeddingIndexer indexer) {
        this.indexes = indexes;
        this.thread = new Thread(() -> {
            try (indexer) {
                indexer.run(stop::get, COMMIT_INTERVAL);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "d2v-demo-index");
        thread.setDaemon(true);
    }

    /** Starts indexing every modality of the pipeline's topics into {@code dir}; the pipeline has created its topics. */
    static DemoIndex start(PipelineConfig config, SchemaRegistryClient registry, Path dir) throws IOException {
        VectorIndexes indexes = new VectorIndexes(dir);
        DemoIndex index = new DemoIndex(indexes, new EmbeddingIndexer(config.clientProperties(), registry,
                config.topics(), indexes, EnumSet.allOf(Modality.class)));
        index.thread.start();
        return index;
    }

    VectorIndexes indexes() {
        return indexes;
    }

    /**
     * Waits until the index of every modality in {@code versions} serves that version, which it
     * does only at the version's cut-over; says so on {@code progress} as each one switches.
     */
    void awaitServing(Map<Modality, Integer> versions, long deadline, PrintStream progress)
            throws IOException, InterruptedException {
        Map<Modality, Integer> waiting = new EnumMap<>(versions);
        while (!waiting.isEmpty()) {
            if (failure.get() != null) {
                throw new IllegalStateException("the demo's index stopped: " + failure.get().getMessage(), failure.get());
            }
            for (Map.Entry<Modality, Integer> entry : Map.copyOf(waiting).entrySet()) {
                OptionalInt serving = indexes.serving(entry.getKey());
                if (serving.isPresent() && serving.getAsInt() == entry.getValue()) {
                    waiting.remove(entry.getKey());
                    if (progress != null) {
                        progress.printf("index: %s switched to v%d at its cut-over%n", entry.getKey().folderName(),
                                entry.getValue());
                    }
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder got = new StringBuilder();
                for (Modality modality : waiting.keySet()) {
                    got.append(String.format(" %s serves %s, waiting for v%d;", modality.folderName(),
                            indexes.serving(modality), waiting.get(modality)));
                }
                throw new IllegalStateException("the index did not switch at the cut-over in time:" + got
                        + " try a longer --timeout");
            }
            Thread.sleep(100);
        }
    }

    /** Stops indexing after a last commit, and waits for it. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
    }
}
