package io.d2vstreams.topology;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Modality;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The pipeline's configuration")
class PipelineConfigTest {

    @Test
    @DisplayName("encoders run on the CPU unless cuda is asked for, in any case")
    void encoderDevice() {
        assertThat(PipelineConfig.defaults().encoderDevice()).as("default").isEqualTo(Device.CPU);
        assertThat(PipelineConfig.from(Map.of(PipelineConfig.ENCODER_DEVICE, "CUDA")).encoderDevice()).isEqualTo(Device.CUDA);
        assertThat(PipelineConfig.from(Map.of(PipelineConfig.ENCODER_DEVICE, "cuda")).encoderDevice()).isEqualTo(Device.CUDA);
    }

    @Test
    @DisplayName("a micro-batch larger than encoder.max.run.size is encoded in runs of that size")
    void encoderRuns() {
        PipelineConfig defaults = PipelineConfig.defaults();
        assertThat(EmbeddingPipeline.encoderRunSize(defaults, Modality.TEXT)).as("128 texts in runs of 32").isEqualTo(32);
        assertThat(EmbeddingPipeline.encoderRunSize(defaults, Modality.AUDIO)).as("8 clips, one run").isEqualTo(8);
        PipelineConfig small = PipelineConfig.from(Map.of(PipelineConfig.ENCODER_MAX_RUN_SIZE, "4"));
        assertThat(EmbeddingPipeline.encoderRunSize(small, Modality.IMAGE)).isEqualTo(4);
    }

    @Test
    @DisplayName("every modality has its batch, input-limit and sampling keys, spelled from its name, each parsed into its own policy")
    void everyModalityHasItsSettings() {
        for (Modality m : Modality.values()) {
            String name = m.folderName();
            assertThat(PipelineConfig.DEFINITION.names()).as("keys of %s", m).contains(name + ".batch.max.size",
                    name + ".batch.max.wait.ms", PipelineConfig.inputLimitKey(m), "sampling." + name + ".rate",
                    "sampling." + name + ".max.per.second");
            PipelineConfig set = PipelineConfig.from(Map.of(PipelineConfig.batchMaxSizeKey(m), "7",
                    PipelineConfig.batchMaxWaitKey(m), "9", PipelineConfig.inputLimitKey(m), "11",
                    PipelineConfig.samplingRateKey(m), "0.5", PipelineConfig.samplingMaxPerSecondKey(m), "3"));
            assertThat(set.batch(m)).isEqualTo(new BatchPolicy(7, java.time.Duration.ofMillis(9)));
            assertThat(set.inputLimit(m)).isEqualTo(11);
            assertThat(set.sampling(m)).isEqualTo(new SamplingPolicy(0.5, 3));
            for (Modality other : Modality.values()) {
                if (other != m) {
                    assertThat(set.batch(other)).as("%s untouched by %s's keys", other, m)
                            .isEqualTo(PipelineConfig.defaults().batch(other));
                }
            }
        }
        assertThat(PipelineConfig.TEXT_MAX_CHARS).isEqualTo("text.max.chars");
        assertThat(PipelineConfig.IMAGE_MAX_BYTES).isEqualTo("image.max.bytes");
    }

    @Test
    @DisplayName("the pipeline's encoders sleep between runs unless encoder.spin.wait is set")
    void encoderSpinWait() {
        assertThat(EmbeddingPipeline.encoderOptions(PipelineConfig.defaults(), Modality.TEXT).spinWait()).isFalse();
        PipelineConfig spinning = PipelineConfig.from(Map.of(PipelineConfig.ENCODER_SPIN_WAIT, "true"));
        assertThat(EmbeddingPipeline.encoderOptions(spinning, Modality.IMAGE).spinWait()).isTrue();
    }

    @Test
    @DisplayName("a bad value fails at start-up naming the key, the value and what is allowed")
    void badValueNamesKeyAndChoices() {
        assertThatThrownBy(() -> PipelineConfig.from(Map.of(PipelineConfig.ENCODER_DEVICE, "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("encoder.device").hasMessageContaining("tpu").hasMessageContainingAll("CPU", "CUDA");
        assertThatThrownBy(() -> PipelineConfig.from(Map.of(PipelineConfig.TEXT_BATCH_MAX_SIZE, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("text.batch.max.size");
    }

    @Test
    @DisplayName("D2V_* variables override the file's keys, and Kafka client settings pass through")
    void environmentAndPassThrough() {
        Map<String, String> settings = ConfigSource.load(null, Map.of(
                "D2V_ENCODER_DEVICE", "cuda", "D2V_SECURITY_PROTOCOL", "SASL_SSL", "HOME", "/root"));
        PipelineConfig config = PipelineConfig.from(settings);

        assertThat(config.encoderDevice()).isEqualTo(Device.CUDA);
        assertThat(config.clientProperties()).as("Kafka client properties")
                .containsEntry("security.protocol", "SASL_SSL").doesNotContainKey("encoder.device");
    }

    @Test
    @DisplayName("registry settings go to the registry client only, as the trainer's do; our own keys to no client")
    void registrySettingsReachTheRegistryOnly() {
        PipelineConfig config = PipelineConfig.from(Map.of("max.retries", "7", "basic.auth.user.info", "u:p",
                PipelineConfig.ENCODER_THREADS, "2", "linger.ms", "5"));

        assertThat(config.registryProperties()).containsEntry("max.retries", "7").containsEntry("basic.auth.user.info", "u:p");
        assertThat(config.clientProperties()).as("Kafka client properties").containsEntry("linger.ms", "5")
                .doesNotContainKeys("max.retries", "basic.auth.user.info", PipelineConfig.ENCODER_THREADS);
        assertThat(config.streamsProperties()).as("Kafka Streams properties")
                .doesNotContainKeys("max.retries", "basic.auth.user.info", "schema.registry.url", PipelineConfig.ENCODER_THREADS);
        assertThat(config.describe()).as("logged settings include our defaults")
                .containsEntry(PipelineConfig.TEXT_BATCH_MAX_SIZE, "128");
    }

    @Test
    @DisplayName("a dead instance is given up after 10 s, not Kafka's 45 s, and the operator can change it")
    void failoverTimeouts() {
        assertThat(PipelineConfig.defaults().streamsProperties()).as("the streams consumers' group settings by default")
                .containsEntry("session.timeout.ms", 10_000).containsEntry("heartbeat.interval.ms", 3_000);
        assertThat(PipelineConfig.from(Map.of(PipelineConfig.SESSION_TIMEOUT_MS, "20000")).streamsProperties())
                .as("an operator's session.timeout.ms").containsEntry("session.timeout.ms", 20_000);
        assertThat(PipelineConfig.from(Map.of("group.protocol", "streams")).streamsProperties())
                .as("with the streams protocol the broker decides, and a client setting would be refused")
                .doesNotContainKeys("session.timeout.ms", "heartbeat.interval.ms");
        assertThatThrownBy(() -> PipelineConfig.from(Map.of(PipelineConfig.SESSION_TIMEOUT_MS, "6000",
                PipelineConfig.HEARTBEAT_INTERVAL_MS, "6000")))
                .as("a heartbeat no more frequent than the session timeout").isInstanceOf(ConfigException.class)
                .hasMessageContaining("heartbeat.interval.ms").hasMessageContaining("session.timeout.ms");
    }

    @Test
    @DisplayName("the start-up description masks secrets")
    void describeMasksSecrets() {
        PipelineConfig config = PipelineConfig.from(Map.of("sasl.jaas.config", "org.apache.kafka... password=\"hunter2\"",
                "ssl.truststore.password", "hunter2", PipelineConfig.ENCODER_DEVICE, "cpu"));

        assertThat(config.describe().toString()).as("logged settings").doesNotContain("hunter2").contains("encoder.device=cpu");
    }

    @Test
    @DisplayName("the start-up description masks registry credentials, private keys and URL user info too")
    void describeMasksRegistryCredentials() {
        PipelineConfig config = PipelineConfig.from(Map.of(
                "schema.registry.url", "https://svc:s3cr3t-XYZ@registry:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "svc:s3cr3t-XYZ",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY----- s3cr3t-XYZ",
                "sasl.oauthbearer.assertion.private.key.passphrase", "s3cr3t-XYZ"));

        assertThat(config.describe().toString()).as("logged settings").doesNotContain("s3cr3t-XYZ");
        assertThat(config.describe()).as("logged settings")
                .containsEntry("schema.registry.url", "https://******@registry:8081")
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("basic.auth.user.info", "******");
    }
}
