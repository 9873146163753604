package io.d2vstreams.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code d2v bench pipeline --sweep}: for each batch size, the pipeline's maximum throughput (a
 * backlog produced at once), then its latency under open-loop loads that are fractions of that
 * maximum. Each point is a whole {@link PipelineBench} run on a fresh in-process stack, so the
 * points do not share warm caches or a backlog.
 */
public final class PipelineSweep {
    /** The loads, as fractions of the batch size's measured maximum, at which latency is measured. */
    public static final List<Double> LOADS = List.of(0.25, 0.50, 0.75);

    /** One batch size's results: its maximum, and its latency at each load of {@link #LOADS}. */
    public record BatchPoint(int batch, PipelineBenchResult max, List<PipelineBenchResult> loaded) {
        public BatchPoint {
            Objects.requireNonNull(max, "max");
            loaded = List.copyOf(loaded);
        }
    }

    /** Runs one bench point; {@link PipelineBench#runInTemporaryDirectory} in production. */
    @FunctionalInterface
    public interface Runner {
        PipelineBenchResult run(PipelineBench.Options options) throws Exception;
    }

    private PipelineSweep() {
    }

    /**
     * @param template the run settings; its batch and rate are replaced point by point
     * @param done     told of every point as it finishes (for progress)
     */
    public static List<BatchPoint> run(PipelineBench.Options template, List<Integer> batches, Runner runner,
                                       Consumer<PipelineBenchResult> done) throws Exception {
        List<BatchPoint> points = new ArrayList<>();
        for (int batch : batches) {
            PipelineBenchResult max = runner.run(template.with(batch, 0));
            done.accept(max);
            List<PipelineBenchResult> loaded = new ArrayList<>();
            for (double load : LOADS) {
                PipelineBenchResult result = runner.run(template.with(batch, load * max.pipelineRps()));
                done.accept(result);
                loaded.add(result);
            }
            points.add(new BatchPoint(batch, max, loaded));
        }
        return points;
    }
}
