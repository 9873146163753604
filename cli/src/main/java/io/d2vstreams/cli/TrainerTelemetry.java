package io.d2vstreams.cli;

import io.d2vstreams.topology.MetricsServer;
import io.d2vstreams.trainer.TrainerWorker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.d2vstreams.runtime.Modality;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.StringJoiner;

/**
 * The trainer process's {@code /metrics} and {@code /health}: each modality's progress read as
 * meters tagged {@code modality} at each scrape (steps, samples, loss, the gate's decisions), and
 * healthy while every modality's training thread runs. Lives in the CLI, which owns the process, so the trainer library stays
 * free of any HTTP server; it reuses the pipeline's {@link MetricsServer}.
 */
final class TrainerTelemetry implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsServer server;

    private TrainerTelemetry(TrainerWorker worker, String host, int port) {
        new JvmMemoryMetrics().bindTo(registry);
        for (Modality modality : worker.modalities()) {
            register(worker, modality);
        }
        this.server = MetricsServer.start(host, port, registry, () -> health(worker));
    }

    private void register(TrainerWorker worker, Modality modality) {
        String tag = modality.folderName();
        FunctionCounter.builder("d2v.trainer.steps", worker, w -> w.progress(modality).completedSteps())
                .tag("modality", tag).description("data2vec updates applied, restored ones included").register(registry);
        FunctionCounter.builder("d2v.trainer.samples.read", worker, w -> w.progress(modality).samplesRead())
                .tag("modality", tag).description("Training samples read by this process").register(registry);
        FunctionCounter.builder("d2v.trainer.samples.unusable", worker, w -> w.progress(modality).samplesUnusable())
                .tag("modality", tag).description("Samples whose input could not be preprocessed (a corrupt image or"
                        + " audio clip): set aside on arrival, or left out of a step").register(registry);
        Gauge.builder("d2v.trainer.loss", worker, w -> w.progress(modality).lastLoss())
                .tag("modality", tag).description("data2vec loss of the latest step").register(registry);
        Gauge.builder("d2v.trainer.heldout.samples", worker, w -> w.progress(modality).heldOut())
                .tag("modality", tag).description("Held-out samples kept for the quality gate").register(registry);
        Gauge.builder("d2v.trainer.replay.samples", worker, w -> w.progress(modality).replaySamples())
                .tag("modality", tag).description("Samples already trained on, kept for replay").register(registry);
        Gauge.builder("d2v.trainer.fresh.samples", worker, w -> w.progress(modality).freshSamples())
                .tag("modality", tag).description("Samples read and not yet trained on").register(registry);
        Gauge.builder("d2v.trainer.heldout.loss", worker, w -> w.progress(modality).heldOutLoss())
                .tag("modality", tag).description("The student's data2vec loss on the held-out samples, measured at the"
                        + " latest checkpoint or export (NaN before)").register(registry);
        Gauge.builder("d2v.trainer.heldout.loss.step", worker, w -> w.progress(modality).heldOutLossStep())
                .tag("modality", tag).description("The step d2v_trainer_heldout_loss was measured at (-1 before)")
                .register(registry);
        FunctionCounter.builder("d2v.trainer.versions", worker, w -> w.progress(modality).acceptedVersions().size())
                .tags("modality", tag, "decision", "accepted").description("Candidates the quality gate accepted")
                .register(registry);
        FunctionCounter.builder("d2v.trainer.versions", worker, w -> w.progress(modality).rejectedVersions().size())
                .tags("modality", tag, "decision", "rejected").description("Candidates the quality gate rejected")
                .register(registry);
    }

    /** Serves the worker's meters, or nothing when {@code port} is -1. */
    static TrainerTelemetry serve(TrainerWorker worker, String host, int port) {
        return port < 0 ? null : new TrainerTelemetry(worker, host, port);
    }

    /** UP while every modality's loop runs: {@code {"status":"UP","trainer":{"text":{...},"image":{...}}}}. */
    private static MetricsServer.Health health(TrainerWorker worker) {
        boolean healthy = worker.failure().isEmpty();
        StringJoiner modalities = new StringJoiner(",");
        for (Modality modality : worker.modalities()) {
            TrainerWorker.Progress progress = worker.progress(modality);
            healthy &= progress.running();
            modalities.add(String.format(Locale.ROOT, "\"%s\":{\"running\":%b,\"steps\":%d,\"base_version\":%d}",
                    modality.folderName(), progress.running(), progress.completedSteps(), progress.baseVersion()));
        }
        return new MetricsServer.Health(healthy, String.format(Locale.ROOT, "{\"status\":\"%s\",\"trainer\":{%s}}",
                healthy ? "UP" : "DOWN", modalities));
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
