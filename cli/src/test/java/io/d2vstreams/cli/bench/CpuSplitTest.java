package io.d2vstreams.cli.bench;

import io.d2vstreams.cli.bench.CpuSplit.Group;
import io.d2vstreams.cli.bench.CpuSplit.Snapshot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The bench's CPU split")
class CpuSplitTest {
    private static final String APP = "d2v-bench";

    @Test
    @DisplayName("tells stream threads, the pipeline's client threads, the bench's own clients, the registry and the broker apart")
    void classifiesThreadNames() {
        String uuid = "d2v-bench-3604c8c0-28e5-4933-ad1a-ebd61b06478b";
        assertThat(CpuSplit.classify(uuid + "-StreamThread-1", APP)).isEqualTo(Group.STREAM_THREADS);
        assertThat(CpuSplit.classify("kafka-producer-network-thread | " + uuid + "-StreamThread-1-producer", APP))
                .isEqualTo(Group.PIPELINE_CLIENTS);
        assertThat(CpuSplit.classify("kafka-coordinator-heartbeat-thread | d2v-bench", APP)).isEqualTo(Group.PIPELINE_CLIENTS);
        assertThat(CpuSplit.classify("kafka-coordinator-heartbeat-thread | d2v-bench-reader", APP))
                .as("the bench's reader group shares the prefix but is the bench's").isEqualTo(Group.BENCH);
        assertThat(CpuSplit.classify("kafka-producer-network-thread | producer-1", APP)).isEqualTo(Group.BENCH);
        assertThat(CpuSplit.classify("main", APP)).isEqualTo(Group.BENCH);
        assertThat(CpuSplit.classify("schema-registry-http-3", APP)).isEqualTo(Group.REGISTRY);
        assertThat(CpuSplit.classify("data-plane-kafka-request-handler-0", APP)).isEqualTo(Group.BROKER_AND_OTHER);
    }

    @Test
    @DisplayName("adds each thread's CPU between snapshots to its group, the rest of the process CPU to native, per record")
    void splitsPerRecord() {
        String stream = "d2v-bench-x-StreamThread-1";
        Snapshot before = new Snapshot(Map.of(1L, stream, 2L, "main"), Map.of(1L, 1_000_000L, 2L, 0L), 10_000_000L);
        // Thread 3 (a broker handler) started after the first snapshot: all its time counts.
        Snapshot after = new Snapshot(Map.of(1L, stream, 2L, "main", 3L, "data-plane-kafka-request-handler-0"),
                Map.of(1L, 5_000_000L, 2L, 1_000_000L, 3L, 2_000_000L), 20_000_000L);

        CpuSplit split = CpuSplit.between(before, after, APP);

        assertThat(split.nanos(Group.STREAM_THREADS)).isEqualTo(4_000_000L);
        assertThat(split.nanos(Group.BENCH)).isEqualTo(1_000_000L);
        assertThat(split.nanos(Group.BROKER_AND_OTHER)).isEqualTo(2_000_000L);
        assertThat(split.nanos(Group.NATIVE)).as("10 ms of process CPU, 7 ms in JVM threads").isEqualTo(3_000_000L);
        Map<String, Double> perRecord = split.microsPerRecord(1000);
        assertThat(perRecord).containsEntry("stream_threads", 4.0).containsEntry("native_ort_gc_jit", 3.0)
                .containsEntry("total", 10.0);
    }

    @Test
    @DisplayName("a snapshot of this JVM sees its own main thread spend CPU")
    void snapshotsThisJvm() {
        Snapshot before = Snapshot.take();
        long x = 0;
        for (int i = 0; i < 50_000_000; i++) {
            x += i ^ (x >>> 3);
        }
        Snapshot after = Snapshot.take();
        assertThat(x).isNotZero();
        CpuSplit split = CpuSplit.between(before, after, APP);
        assertThat(split.nanos(Group.BENCH)).as("main is the bench's thread here").isPositive();
        // The process's CPU time comes in clock ticks (10 ms on Linux), its threads' to the nanosecond.
        assertThat(split.microsPerRecord(1).get("total")).as("the process spent at least what its main thread did")
                .isGreaterThanOrEqualTo(split.nanos(Group.BENCH) / 1e3 - 20_000);
    }
}
