package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.runtime.text.TextSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHolderTest {

    private static final List<String> BATCH = List.of("a", "b", "c");

    @Test
    @DisplayName("8 threads embedding while the model is swapped 20 times: no failed call, no use after close, every result tagged with a version active during its call")
    void hotSwapUnderLoad() throws Exception {
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        List<RecordingEncoder> encoders = new ArrayList<>();
        encoders.add(new RecordingEncoder(1, violations));
        ModelHolder<String> holder = new ModelHolder<>(encoders.get(0));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        int before = holder.current().version();
                        Embeddings e = holder.embed(BATCH);
                        int after = holder.current().version();
                        int tag = e.model().version();
                        if (tag < before || tag > after) {
                            violations.add("result tagged v" + tag + " outside the versions active during the call, v" + before + "..v" + after);
                        }
                        for (float[] row : e.vectors()) {
                            if (row[0] != tag) {
                                violations.add("result tagged v" + tag + " was computed by v" + (int) row[0]);
                            }
                        }
                        calls.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int v = 2; v <= 21; v++) {
                long seen = calls.get();
                // Let every worker get some batches in on the current version before the next swap.
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> calls.get() >= seen + 16);
                RecordingEncoder next = new RecordingEncoder(v, violations);
                encoders.add(next);
                holder.swap(next);
                assertThat(holder.current().version()).as("current after swap %d", v).isEqualTo(v);
            }
            long seen = calls.get();
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> calls.get() >= seen + 16);
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS); // rethrows any failed embed
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }

        assertThat(violations).as("violations").isEmpty();
        for (RecordingEncoder e : encoders.subList(0, encoders.size() - 1)) {
            assertThat(e.closes.get()).as("closes of swapped-out v%d", e.id().version()).isEqualTo(1);
        }
        RecordingEncoder last = encoders.get(encoders.size() - 1);
        assertThat(last.closes.get()).as("the current encoder is still open").isZero();
        holder.close();
        holder.close();
        assertThat(last.closes.get()).as("closes of the last encoder after holder.close() twice").isEqualTo(1);
        assertThat(calls.get()).as("calls made").isGreaterThan(20 * 16);
        assertThatThrownBy(() -> holder.embed(BATCH)).as("embed on a closed holder").isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("swapping real encoders tags results with the new version and closes the old one")
    void swapRealEncoders(@TempDir Path root) {
        ModelStore store = new ModelStore(root);
        Encoder<String> v1 = store.load(TextSpec.INSTANCE, store.initDefault(Modality.TEXT, 1), TestOptions.cpu());
        Encoder<String> v2 = store.load(TextSpec.INSTANCE, store.initDefault(Modality.TEXT, 2), TestOptions.cpu());
        try (ModelHolder<String> holder = new ModelHolder<>(v1)) {
            Embeddings first = holder.embed(List.of("hello"));
            holder.swap(v2);
            Embeddings second = holder.embed(List.of("hello"));

            assertThat(first.model().version()).as("before the swap").isEqualTo(1);
            assertThat(second.model().version()).as("after the swap").isEqualTo(2);
            assertThat(second.vectors()[0]).as("v2's vector differs from v1's").isNotEqualTo(first.vectors()[0]);
            assertThatThrownBy(() -> v1.embed(List.of("x"))).as("the swapped-out encoder is closed")
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> holder.swap(v2)).as("swapping in the current encoder again")
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> v2.embed(List.of("x"))).as("closing the holder closes the current encoder")
                .isInstanceOf(IllegalStateException.class);
    }

    /**
     * An encoder that returns its version as every vector's first value and records misuse:
     * an embed on a closed encoder, a close while an embed runs, a second close.
     */
    private static final class RecordingEncoder implements Encoder<String> {
        private final ModelId id;
        private final Queue<String> violations;
        private final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        private volatile boolean closed;

        RecordingEncoder(int version, Queue<String> violations) {
            this.id = new ModelId(Modality.TEXT, "recording", version);
            this.violations = violations;
        }

        @Override
        public ModelId id() {
            return id;
        }

        @Override
        public int dim() {
            return 4;
        }

        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public float[][] embed(List<String> inputs) {
            inFlight.incrementAndGet();
            try {
                if (closed) {
                    violations.add("embed on closed v" + id.version());
                }
                float[][] out = new float[inputs.size()][4];
                // A little real work, so a close racing with this call has a window to hit.
                double acc = 0;
                for (int i = 0; i < 2_000; i++) {
                    acc += Math.sqrt(i);
                }
                for (float[] row : out) {
                    row[0] = id.version();
                    row[1] = (float) acc;
                }
                if (closed) {
                    violations.add("v" + id.version() + " closed during an embed");
                }
                return out;
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public void close() {
            if (inFlight.get() > 0) {
                violations.add("v" + id.version() + " closed with " + inFlight.get() + " embeds in flight");
            }
            if (closes.incrementAndGet() > 1) {
                violations.add("v" + id.version() + " closed twice");
            }
            closed = true;
        }
    }
}
