package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.gate.GateThresholds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TrainerWorkerConfig: typed, validated once, Kafka settings passed through")
class TrainerWorkerConfigTest {

    @Test
    @DisplayName("defaults: the embedded default's endpoints, DESIGN.md's topics, all three modalities, group <application.id>-<modality>")
    void defaults() {
        TrainerWorkerConfig c = TrainerWorkerConfig.defaults();
        assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
        assertThat(c.textGroupId()).as("consumer group").isEqualTo("d2v-trainer-text");
        assertThat(c.topics().trainingSamples()).isEqualTo("d2v.training.samples");
        assertThat(c.topics().models()).isEqualTo("d2v.models");
        assertThat(c.training().batchSize()).isEqualTo(16);
        assertThat(c.gate()).isEqualTo(GateThresholds.defaults());
        assertThat(c.exportInterval()).as("time trigger off").isEqualTo(Duration.ZERO);
        assertThat(c.modalities()).as("trains every modality").containsExactly(Modality.TEXT, Modality.IMAGE, Modality.AUDIO);
        assertThat(c.concurrentSteps()).as("the loops take turns at the CPU").isEqualTo(1);
        assertThat(c.threads()).as("one libtorch thread, the other cores left to a pipeline beside it").isEqualTo(1);
        assertThat(c.groupId(Modality.AUDIO)).as("AUDIO's consumer group").isEqualTo("d2v-trainer-audio");
        assertThat(c.checkpointDir(Modality.TEXT)).as("TEXT's checkpoint folder")
                .isEqualTo(Path.of("d2v-data", "checkpoints", "text"));
    }

    @Test
    @DisplayName("trainer.modalities: one loop per modality, each with its group, checkpoint folder and data2vec recipe")
    void modalities() {
        TrainerWorkerConfig c = TrainerWorkerConfig.from(Map.of("trainer.modalities", " image, TEXT,image ",
                "application.id", "t1", "trainer.checkpoint.dir", "/data/ckpt", "trainer.batch.size", "4"));
        assertThat(c.modalities()).as("configured order, each once, any case").containsExactly(Modality.IMAGE, Modality.TEXT);
        assertThat(c.groupId(Modality.IMAGE)).isEqualTo("t1-image");
        assertThat(c.groupId(Modality.TEXT)).isEqualTo("t1-text");
        assertThat(c.checkpointDir(Modality.IMAGE)).isEqualTo(Path.of("/data/ckpt/image"));
        assertThat(c.training(Modality.IMAGE).batchSize()).as("the worker's settings").isEqualTo(4);
        assertThat(c.training(Modality.IMAGE).maskProb()).as("data2vec vision's masking").isEqualTo(0.6);
        assertThat(c.training(Modality.IMAGE).targetLayer()).isEqualTo(TrainerConfig.TargetLayer.BLOCK_OUTPUT);
        assertThat(c.training(Modality.TEXT).maskProb()).as("data2vec text's masking").isEqualTo(0.15);
        assertThat(c.training()).as("training() is TEXT's").isEqualTo(c.training(Modality.TEXT));
        assertThat(c.training(Modality.IMAGE).learningRate()).as("unset: the vision recipe's rate")
                .isEqualTo(TrainerConfig.imageBuilder().build().learningRate()).isNotEqualTo(c.training(Modality.TEXT).learningRate());
        assertThat(c.training(Modality.IMAGE).warmupSteps()).isEqualTo(TrainerConfig.imageBuilder().build().warmupSteps());

        TrainerWorkerConfig set = TrainerWorkerConfig.from(Map.of("trainer.modalities", "TEXT,IMAGE",
                "trainer.learning.rate", "2e-3", "trainer.warmup.steps", "7"));
        assertThat(set.training(Modality.IMAGE).learningRate()).as("set: one rate for every modality").isEqualTo(2e-3);
        assertThat(set.training(Modality.TEXT).learningRate()).isEqualTo(2e-3);
        assertThat(set.training(Modality.TEXT).warmupSteps()).isEqualTo(7);

        TrainerWorkerConfig one = TrainerWorkerConfig.from(Map.of("trainer.learning.rate", "2e-3",
                "trainer.image.learning.rate", "1e-3"));
        assertThat(one.training(Modality.IMAGE).learningRate()).as("one modality's rate over the common one").isEqualTo(1e-3);
        assertThat(one.training(Modality.TEXT).learningRate()).as("the others keep the common one").isEqualTo(2e-3);
        assertThat(TrainerWorkerConfig.from(Map.of("trainer.audio.learning.rate", "3e-4")).training(Modality.TEXT).learningRate())
                .as("only that modality's").isEqualTo(TrainerConfig.builder().build().learningRate());
    }

    @Test
    @DisplayName("trainer.modalities takes AUDIO with data2vec audio's recipe under the worker's audio settings")
    void audio() {
        TrainerWorkerConfig c = TrainerWorkerConfig.from(Map.of("trainer.modalities", "text,AUDIO",
                "application.id", "t1", "trainer.checkpoint.dir", "/data/ckpt", "trainer.audio.max.seconds", "3.5",
                "trainer.audio.mask.span.length", "5", "trainer.audio.mask.min.spans", "2"));
        assertThat(c.modalities()).containsExactly(Modality.TEXT, Modality.AUDIO);
        assertThat(c.groupId(Modality.AUDIO)).isEqualTo("t1-audio");
        assertThat(c.checkpointDir(Modality.AUDIO)).isEqualTo(Path.of("/data/ckpt/audio"));
        TrainerConfig audio = c.training(Modality.AUDIO);
        assertThat(audio.maskProb()).as("data2vec audio's span start probability").isEqualTo(0.065);
        assertThat(audio.loss()).as("data2vec audio's L2 loss").isEqualTo(TrainerConfig.Loss.L2);
        assertThat(audio.tauStart()).isEqualTo(0.999);
        assertThat(audio.tauEnd()).isEqualTo(0.9999);
        assertThat(audio.maxAudioSeconds()).as(TrainerWorkerConfig.AUDIO_MAX_SECONDS).isEqualTo(3.5);
        assertThat(audio.maskSpanLength()).as(TrainerWorkerConfig.AUDIO_MASK_SPAN_LENGTH).isEqualTo(5);
        assertThat(audio.minMaskSpans()).as(TrainerWorkerConfig.AUDIO_MASK_MIN_SPANS).isEqualTo(2);
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.audio.max.seconds", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.audio.max.seconds");
    }

    @Test
    @DisplayName("trainer.modalities refuses unknown names and an empty list, naming the key")
    void modalitiesRefused() {
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.modalities", "TEXT,VIDEO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.modalities")
                .hasMessageContaining("'VIDEO' is no modality");
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.modalities", " , ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.modalities");
    }

    @Test
    @DisplayName("parses every typed setting, and hands the rest to the Kafka and registry clients")
    void typedAndPassThrough() {
        TrainerWorkerConfig c = TrainerWorkerConfig.from(Map.ofEntries(
                Map.entry("application.id", "t1"),
                Map.entry("topic.prefix", "x."),
                Map.entry("model.store.dir", "/data/models"),
                Map.entry("trainer.checkpoint.dir", "/data/ckpt"),
                Map.entry("trainer.batch.size", "32"),
                Map.entry("trainer.learning.rate", "2e-4"),
                Map.entry("trainer.device", "cuda"),
                Map.entry("trainer.replay.capacity", "100"),
                Map.entry("trainer.replay.fresh.fraction", "0.25"),
                Map.entry("trainer.export.interval.steps", "20"),
                Map.entry("trainer.export.interval.seconds", "60"),
                Map.entry("gate.parity.max.abs.diff", "1e-5"),
                Map.entry("gate.effective.rank.min", "3"),
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "secret"),
                Map.entry("schema.registry.basic.auth.user.info", "u:p"),
                Map.entry("max.retries", "7")));
        assertThat(c.textGroupId()).isEqualTo("t1-text");
        assertThat(c.topics().models()).isEqualTo("x.models");
        assertThat(c.modelStoreDir()).isEqualTo(Path.of("/data/models"));
        assertThat(c.checkpointDir()).isEqualTo(Path.of("/data/ckpt"));
        assertThat(c.training().batchSize()).isEqualTo(32);
        assertThat(c.training().learningRate()).isEqualTo(2e-4);
        assertThat(c.training().device()).isEqualTo(Device.CUDA);
        assertThat(c.replayCapacity()).isEqualTo(100);
        assertThat(c.replayFreshFraction()).isEqualTo(0.25);
        assertThat(c.exportIntervalSteps()).isEqualTo(20);
        assertThat(c.exportInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.gate().parityMaxAbsDiff()).isEqualTo(1e-5);
        assertThat(c.gate().effectiveRankMin()).isEqualTo(3.0);
        assertThat(c.clientProperties()).as("Kafka client properties")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", "secret")
                .containsEntry("bootstrap.servers", "localhost:9092")
                .doesNotContainKeys("trainer.batch.size", "application.id", "schema.registry.url",
                        "schema.registry.basic.auth.user.info", "gate.parity.max.abs.diff", "max.retries");
        assertThat(c.registryProperties()).as("registry properties")
                .containsEntry("schema.registry.basic.auth.user.info", "u:p").containsEntry("max.retries", "7")
                .containsEntry("schema.registry.url", "http://localhost:8081").doesNotContainKey("sasl.jaas.config");
        assertThat(c.describe()).as("start-up description masks secrets and shows the rest")
                .containsEntry("trainer.batch.size", "32").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "******").containsEntry("schema.registry.basic.auth.user.info", "******")
                .doesNotContainValue("secret").doesNotContainValue("u:p");
    }

    @Test
    @DisplayName("the start-up description masks the user info of schema.registry.url, one of the trainer's own keys")
    void describeMasksUrlUserInfo() {
        TrainerWorkerConfig c = TrainerWorkerConfig.from(Map.of(
                "schema.registry.url", "https://svc:s3cr3t-XYZ@registry:8081",
                "basic.auth.credentials.source", "URL",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY----- s3cr3t-XYZ"));

        assertThat(c.describe().toString()).as("start-up description").doesNotContain("s3cr3t-XYZ");
        assertThat(c.describe()).as("start-up description")
                .containsEntry("schema.registry.url", "https://******@registry:8081")
                .containsEntry("basic.auth.credentials.source", "URL");
        assertThat(c.registryProperties()).as("what the registry client still gets")
                .containsEntry("schema.registry.url", "https://svc:s3cr3t-XYZ@registry:8081");
    }

    @Test
    @DisplayName("fails fast with the key and the value on a bad setting")
    void badValues() {
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.batch.size", "zero")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.batch.size").hasMessageContaining("zero");
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.replay.fresh.fraction", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.replay.fresh.fraction");
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.threads", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.threads");
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.concurrent.steps", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.concurrent.steps");
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.device", "tpu")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.device");
        assertThatThrownBy(() -> TrainerWorkerConfig.from(Map.of("trainer.heldout.size", "8", "gate.heldout.min", "16")))
                .as("a gate that could never judge").isInstanceOf(ConfigException.class)
                .hasMessageContaining("gate.heldout.min");
    }

    @Test
    @DisplayName("demo settings export after 20 steps without warm-up, keep TEXT's and AUDIO's learning rates, train IMAGE at 1e-3, crop clips to 1 s, and with() keeps what was set before")
    void demoAndWith() {
        TrainerWorkerConfig demo = TrainerWorkerConfig.from(Map.of("application.id", "demo")).forDemo();
        assertThat(demo.exportIntervalSteps()).isEqualTo(20);
        assertThat(demo.training().batchSize()).isEqualTo(8);
        for (Modality m : demo.modalities()) {
            assertThat(demo.training(m).warmupSteps()).as("%s warm-up", m).isZero();
        }
        for (Modality m : List.of(Modality.TEXT, Modality.AUDIO)) {
            assertThat(demo.training(m).learningRate()).as("%s learning rate: its recipe's", m)
                    .isEqualTo(TrainingModality.of(m).trainingDefaults().build().learningRate());
        }
        assertThat(demo.training(Modality.IMAGE).learningRate()).as("IMAGE without its warm-up: a third of its recipe's rate")
                .isEqualTo(1e-3);
        assertThat(demo.training(Modality.IMAGE).learningRate()).as("IMAGE's rate is not TEXT's")
                .isGreaterThan(demo.training(Modality.TEXT).learningRate());
        assertThat(demo.training(Modality.AUDIO).maxAudioSeconds()).as("clips cropped for short CPU steps").isEqualTo(1.0);
        assertThat(demo.applicationId()).as("kept").isEqualTo("demo");
        assertThat(demo.with(Map.of("trainer.export.interval.steps", "5")).exportIntervalSteps()).isEqualTo(5);
    }
}
