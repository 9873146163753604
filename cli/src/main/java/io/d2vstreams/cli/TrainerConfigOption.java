package io.d2vstreams.cli;

import io.d2vstreams.topology.ConfigSource;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the trainer process's properties, with {@code D2V_*} environment overrides. */
final class TrainerConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Trainer properties file (keys in TrainerWorkerConfig.DEFINITION: bootstrap.servers, "
                    + "schema.registry.url, model.store.dir, trainer.*, gate.*, any Kafka client property); "
                    + "D2V_* environment variables override it (D2V_TRAINER_BATCH_SIZE=32). Without it: "
                    + "the defaults (localhost:9092, http://localhost:8081) and the environment.")
    Path file;

    TrainerWorkerConfig load() {
        return TrainerWorkerConfig.from(ConfigSource.load(file, System.getenv()));
    }

    TrainerWorkerConfig load(Map<String, String> overrides) {
        return load().with(overrides);
    }
}
