package io.d2vstreams.topology;

import io.d2vstreams.topology.backfill.BackfillMetrics;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.Modality;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's series, all prefixed {@code d2v_}: records in, embedded and dead-lettered per
 * modality (and reason), batch size and fill time, encode time, end-to-end latency from the
 * event's timestamp, and the model version serving each modality. Meters are created once
 * and cached, so the hot path only increments.
 */
public final class MicrometerPipelineMetrics implements PipelineMetrics, BackfillMetrics {
    private final MeterRegistry registry;
    private final Map<Modality, Counter> received = new EnumMap<>(Modality.class);
    private final Map<Modality, Counter> embedded = new EnumMap<>(Modality.class);
    private final Map<Modality, DistributionSummary> batchSize = new EnumMap<>(Modality.class);
    private final Map<Modality, Timer> batchFill = new EnumMap<>(Modality.class);
    private final Map<Modality, Timer> encode = new EnumMap<>(Modality.class);
    private final Map<Modality, Timer> endToEnd = new EnumMap<>(Modality.class);
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<Modality, Counter> backfilled = new EnumMap<>(Modality.class);
    private final Map<Modality, Counter> backfillSkipped = new EnumMap<>(Modality.class);
    private final Map<Modality, AtomicLong> backfillLag = new EnumMap<>(Modality.class);

    public MicrometerPipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Modality modality : Modality.values()) {
            String m = tag(modality);
            received.put(modality, Counter.builder("d2v.records.received").tag("modality", m)
                    .description("Input records read").register(registry));
            embedded.put(modality, Counter.builder("d2v.records.embedded").tag("modality", m)
                    .description("Embeddings written").register(registry));
            batchSize.put(modality, DistributionSummary.builder("d2v.batch.size").tag("modality", m)
                    .description("Records per encoded micro-batch").publishPercentileHistogram()
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry));
            batchFill.put(modality, Timer.builder("d2v.batch.fill").tag("modality", m)
                    .description("Time the oldest record of a batch waited in the buffer").publishPercentileHistogram()
                    .register(registry));
            encode.put(modality, Timer.builder("d2v.encode").tag("modality", m)
                    .description("Encoder time per batch").publishPercentileHistogram().register(registry));
            endToEnd.put(modality, Timer.builder("d2v.end.to.end.latency").tag("modality", m)
                    .description("From the event's timestamp to its embedding being written")
                    .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry));
            backfilled.put(modality, Counter.builder("d2v.backfill.records").tag("modality", m)
                    .description("Embeddings written by the backfill (committed); rate() gives its records/s").register(registry));
            backfillSkipped.put(modality, Counter.builder("d2v.backfill.skipped").tag("modality", m)
                    .description("Input records the backfill skipped as bad input (dead-lettered by the live pipeline)")
                    .register(registry));
            AtomicLong lag = new AtomicLong();
            backfillLag.put(modality, lag);
            Gauge.builder("d2v.backfill.lag", lag, AtomicLong::get).tag("modality", m)
                    .description("Input records on this instance's partitions still to backfill before the swap points")
                    .register(registry);
        }
    }

    /** Publishes the version serving {@code modality} as {@code d2v_model_version}. */
    public void watchModel(Modality modality, ModelHolder<?> holder) {
        Gauge.builder("d2v.model.version", holder, h -> h.current().version()).tag("modality", tag(modality))
                .description("Model version serving this modality").register(registry);
    }

    @Override
    public void received(Modality modality) {
        received.get(modality).increment();
    }

    @Override
    public void deadLettered(Modality modality, DeadLetterReason reason) {
        deadLettered.computeIfAbsent(modality.name() + "/" + reason.name(), key ->
                Counter.builder("d2v.records.dead.lettered").tag("modality", tag(modality)).tag("reason", reason.name())
                        .description("Records sent to the dead-letter topic").register(registry)).increment();
    }

    @Override
    public void batchEncoded(Modality modality, int size, long fillMs, long encodeNanos) {
        batchSize.get(modality).record(size);
        batchFill.get(modality).record(Math.max(0, fillMs), TimeUnit.MILLISECONDS);
        encode.get(modality).record(encodeNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void embedded(Modality modality, long endToEndMs) {
        embedded.get(modality).increment();
        endToEnd.get(modality).record(Math.max(0, endToEndMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void backfilled(Modality modality, int records) {
        backfilled.get(modality).increment(records);
    }

    @Override
    public void skipped(Modality modality) {
        backfillSkipped.get(modality).increment();
    }

    @Override
    public void lag(Modality modality, long records) {
        backfillLag.get(modality).set(records);
    }

    /** Records embedded or dead-lettered so far, every modality: what /health counts as progress. */
    public long recordsOut() {
        double out = 0;
        for (Counter counter : embedded.values()) {
            out += counter.count();
        }
        for (Counter counter : deadLettered.values()) {
            out += counter.count();
        }
        return (long) out;
    }

    private static String tag(Modality modality) {
        return modality.name().toLowerCase(Locale.ROOT);
    }
}
