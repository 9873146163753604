package io.d2vstreams.cli;

import io.d2vstreams.topology.MetricsServer;
import io.d2vstreams.trainer.TrainerWorker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * The trainer process's {@code /metrics} and {@code /health}: the worker's progress read as
 * meters at each scrape (steps, samples, loss, the gate's decisions) and healthy while its
 * training thread runs. Lives in the CLI, which owns the process, so the trainer library stays
 * free of any HTTP server; it reuses the pipeline's {@link MetricsServer}.
 */
final class TrainerTelemetry implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsServer server;

    private TrainerTelemetry(TrainerWorker worker, String host, int port) {
        new JvmMemoryMetrics().bindTo(registry);
        FunctionCounter.builder("d2v.trainer.steps", worker, w -> w.progress().completedSteps())
                .tag("modality", "text").description("data2vec updates applied, restored ones included").register(registry);
        FunctionCounter.builder("d2v.trainer.samples.read", worker, w -> w.progress().samplesRead())
                .tag("modality", "text").description("Training samples read by this process").register(registry);
        Gauge.builder("d2v.trainer.loss", worker, w -> w.progress().lastLoss())
                .tag("modality", "text").description("data2vec loss of the latest step").register(registry);
        Gauge.builder("d2v.trainer.heldout.samples", worker, w -> w.progress().heldOut())
                .tag("modality", "text").description("Held-out samples kept for the quality gate").register(registry);
        FunctionCounter.builder("d2v.trainer.versions", worker, w -> w.progress().acceptedVersions().size())
                .tags("modality", "text", "decision", "accepted").description("Candidates the quality gate accepted")
                .register(registry);
        FunctionCounter.builder("d2v.trainer.versions", worker, w -> w.progress().rejectedVersions().size())
                .tags("modality", "text", "decision", "rejected").description("Candidates the quality gate rejected")
                .register(registry);
        this.server = MetricsServer.start(host, port, registry, () -> health(worker));
    }

    /** Serves the worker's meters, or nothing when {@code port} is -1. */
    static TrainerTelemetry serve(TrainerWorker worker, String host, int port) {
        return port < 0 ? null : new TrainerTelemetry(worker, host, port);
    }

    private static MetricsServer.Health health(TrainerWorker worker) {
        TrainerWorker.Progress progress = worker.progress();
        boolean healthy = progress.running() && worker.failure().isEmpty();
        return new MetricsServer.Health(healthy, String.format(Locale.ROOT,
                "{\"status\":\"%s\",\"trainer\":{\"text\":{\"running\":%b,\"steps\":%d,\"base_version\":%d}}}",
                healthy ? "UP" : "DOWN", progress.running(), progress.completedSteps(), progress.baseVersion()));
    }

    OptionalInt port() {
        return OptionalInt.of(server.port());
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }
}
