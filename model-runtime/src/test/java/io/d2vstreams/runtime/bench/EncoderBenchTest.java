package io.d2vstreams.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The encoder benchmark")
class EncoderBenchTest {

    @TempDir
    Path tmp;

    @Test
    @DisplayName("measures a seeded text encoder: throughput, latencies, FLOP rates and efficiencies all in range")
    void text() {
        ModelStore store = new ModelStore(tmp);
        ModelManifest model = store.initDefault(Modality.TEXT, 3);
        List<Integer> progress = new ArrayList<>();
        BenchOptions options = BenchOptions.of(store, model, 40, 16, EncoderOptions.defaults().withThreads(1, 1))
                .withWarmupRecords(16).withGemmSize(128).withProgress(progress::add);

        BenchResult r = EncoderBench.run(options);

        assertThat(r.model()).as("model").isEqualTo(model.name());
        assertThat(r.modelVersion()).as("version").isEqualTo(1);
        assertThat(r.batch()).as("batch").isEqualTo(16);
        assertThat(r.threads()).as("threads").isEqualTo(1);
        assertThat(r.device()).as("device").isEqualTo(Device.CPU);
        assertThat(r.encoderRps()).as("encoder_rps").isPositive();
        assertThat(r.latencyP50Ms()).as("p50").isPositive().isLessThanOrEqualTo(r.latencyP99Ms());
        assertThat(r.gflops()).as("gflops").isPositive();
        assertThat(r.gemmPeakGflops()).as("gemm peak").isPositive();
        assertThat(r.computeEfficiency()).as("compute efficiency").isEqualTo(r.gflops() / r.gemmPeakGflops());
        assertThat(r.paddingEfficiency()).as("mixed lengths pad").isGreaterThan(0.1).isLessThan(1.0);
        assertThat(r.preprocessShare()).as("tokenizer share").isBetween(0.0, 1.0);
        assertThat(r.meanPositions()).as("tokens per text").isBetween(3.0, 256.0);
        assertThat(progress).as("progress after each batch").containsExactly(16, 32, 40);
        assertThat(r.rssMbEarly()).as("resident memory read from /proc (Linux)").isPositive();
        assertThat(r.rssMbEnd()).as("resident memory at the end").isPositive();
    }

    @Test
    @DisplayName("with a window of several batches, sorts each call into length buckets and pads less")
    void bucketing() {
        ModelStore store = new ModelStore(tmp);
        ModelManifest model = store.initDefault(Modality.TEXT, 3);
        BenchOptions plain = BenchOptions.of(store, model, 64, 8, EncoderOptions.defaults().withThreads(1, 1))
                .withWarmupRecords(0).withGemmSize(64);

        BenchResult oneRunPerCall = EncoderBench.run(plain);
        BenchResult bucketed = EncoderBench.run(plain.withWindow(64));

        assertThat(bucketed.window()).as("window").isEqualTo(64);
        assertThat(bucketed.paddingEfficiency()).as("padding efficiency with bucketing")
                .isGreaterThan(oneRunPerCall.paddingEfficiency());
        assertThat(bucketed.meanPositions()).as("same inputs").isEqualTo(oneRunPerCall.meanPositions());
    }

    @Test
    @DisplayName("measures a seeded image encoder on generated images of many sizes, which never pad")
    void image() {
        ModelStore store = new ModelStore(tmp);
        ModelManifest model = store.initDefault(Modality.IMAGE, 3);
        BenchResult r = EncoderBench.run(BenchOptions.of(store, model, 12, 4, EncoderOptions.defaults().withThreads(1, 1))
                .withWarmupRecords(4).withGemmSize(64));

        assertThat(r.modality()).as("modality").isEqualTo(Modality.IMAGE);
        assertThat(r.encoderRps()).as("encoder_rps").isPositive();
        assertThat(r.gflops()).as("gflops").isPositive();
        assertThat(r.paddingEfficiency()).as("every image is the same patches").isEqualTo(1.0);
        assertThat(r.meanPositions()).as("16 patches and CLS").isEqualTo(17.0);
        assertThat(r.preprocessShare()).as("decoding and resizing share").isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
    }

    @Test
    @DisplayName("measures a seeded audio encoder on clips of mixed lengths and rates, which pad")
    void audio() {
        ModelStore store = new ModelStore(tmp);
        ModelManifest model = store.initDefault(Modality.AUDIO, 3);
        BenchResult r = EncoderBench.run(BenchOptions.of(store, model, 8, 4, EncoderOptions.defaults().withThreads(1, 1))
                .withWarmupRecords(4).withGemmSize(64));

        assertThat(r.modality()).as("modality").isEqualTo(Modality.AUDIO);
        assertThat(r.encoderRps()).as("encoder_rps").isPositive();
        assertThat(r.gflops()).as("gflops").isPositive();
        assertThat(r.paddingEfficiency()).as("mixed lengths pad").isGreaterThan(0.0).isLessThan(1.0);
        assertThat(r.meanPositions()).as("frames per clip (50 per second)").isBetween(5.0, 600.0);
    }

    @Test
    @DisplayName("names its results with the public JSON field names")
    void fields() {
        BenchResult r = new BenchResult("m", 2, Modality.TEXT, 64, 16, 16, Device.CPU, 2, 1.5, 42.6666, 10, 20,
                1.23456, 50, 0.0246912, 0.5, 0.1, 30, 200, 202);
        Map<String, Object> f = r.toFields();
        assertThat(f).as("contract fields").containsKeys("encoder_rps", "latency_p50_ms", "latency_p99_ms", "gflops",
                "gemm_peak_gflops", "compute_efficiency", "padding_efficiency", "model", "batch", "device", "threads");
        assertThat(f.get("encoder_rps")).as("rounded to four significant digits").isEqualTo(42.67);
        assertThat(f.get("device")).as("device").isEqualTo("CPU");
        assertThat(f.get("rss_growth")).as("resident memory growth from the first tenth to the end").isEqualTo(0.01);
    }

    @Test
    @DisplayName("takes the nearest-rank percentile")
    void percentile() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(EncoderBench.percentile(sorted, 0.5)).as("p50").isEqualTo(5);
        assertThat(EncoderBench.percentile(sorted, 0.99)).as("p99").isEqualTo(10);
        assertThat(EncoderBench.percentile(new long[] {7}, 0.99)).as("single value").isEqualTo(7);
    }

    @Test
    @DisplayName("refuses nonsense options with the option and the value")
    void badOptions() {
        ModelStore store = new ModelStore(tmp);
        ModelManifest model = store.initDefault(Modality.TEXT, 3);
        assertThatThrownBy(() -> BenchOptions.of(store, model, 0, 16, EncoderOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("records must be at least 1, was 0");
        assertThatThrownBy(() -> BenchOptions.of(store, model, 10, 0, EncoderOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch must be at least 1, was 0");
    }
}
