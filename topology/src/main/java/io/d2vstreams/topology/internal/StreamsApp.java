package io.d2vstreams.topology.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One Kafka Streams client and its life cycle: started with a state listener that logs every
 * transition and a handler that replaces a failed stream thread (it resumes from its last
 * committed transaction, so nothing is lost or duplicated), awaited until RUNNING, closed.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);

    private final String name;
    private final KafkaStreams streams;
    private final CompletableFuture<Void> running = new CompletableFuture<>();

    private StreamsApp(String name, KafkaStreams streams) {
        this.name = name;
        this.streams = streams;
    }

    public static StreamsApp start(String name, Topology topology, Properties properties) {
        KafkaStreams streams = new KafkaStreams(topology, properties);
        StreamsApp app = new StreamsApp(name, streams);
        streams.setUncaughtExceptionHandler(error -> {
            log.error("event=stream_thread_failed app={} action=replace_thread error=\"{}\"", name, error.toString(), error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((newState, oldState) -> {
            log.info("event=streams_state app={} from={} to={}", name, oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                app.running.complete(null);
            } else if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.PENDING_SHUTDOWN) {
                app.running.completeExceptionally(new IllegalStateException(name + " went to " + newState + " while starting"));
            }
        });
        streams.start();
        return app;
    }

    public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException(name + " not RUNNING after " + timeout + "; state " + streams.state());
        }
    }

    /** Completes the first time the client is RUNNING; exceptionally if it fails or stops before. */
    public CompletableFuture<Void> whenRunning() {
        return running.copy();
    }

    /**
     * The partitions of this client's active tasks, as of its last rebalance (Kafka Streams
     * refreshes this snapshot when a thread becomes RUNNING); empty while it is not running.
     */
    public Set<TopicPartition> activePartitions() {
        try {
            return streams.metadataForLocalThreads().stream()
                    .flatMap(thread -> thread.activeTasks().stream())
                    .flatMap(task -> task.topicPartitions().stream())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IllegalStateException notRunning) {
            return Set.of();
        }
    }

    /** Binds Kafka Streams' own client metrics (lag, commit rate, ...) to {@code registry}. */
    public KafkaStreamsMetrics bindMetrics(MeterRegistry registry) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        return binder;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Stops processing (Kafka Streams keeps its group membership and fetches ahead) until {@link #resume}. */
    public void pause() {
        streams.pause();
    }

    public void resume() {
        streams.resume();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
