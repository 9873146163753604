package io.d2vstreams.cli;

import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.trainer.ModelControl;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Verify a store version and announce it ACTIVE on d2v.models; the pipeline checks it again and swaps to it.",
                "Verified first, as a pipeline would: every file's checksum against manifest.json, no unlisted file, "
                        + "the digest, an ONNX Runtime session and a probe batch of finite vectors of the right width. "
                        + "A version that fails is refused with the reason (exit 1) and nothing is announced."})
final class ModelsPromoteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TrainerConfigOption config;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    // A positional, not --version: the standard help options own --version.
    @Parameters(index = "0", paramLabel = "VERSION", description = "The store version to serve, e.g. 3.")
    int version;

    @Option(names = "--store", paramLabel = "DIR", description = "Model store directory (default: the config's model.store.dir).")
    Path store;

    @Option(names = "--reason", paramLabel = "TEXT", description = "A note announced with the version.")
    String reason;

    @Override
    public Integer call() {
        Logging.quietUnlessVerbose(spec);
        TrainerWorkerConfig settings = config.load();
        try (SchemaRegistryClient registry = registry(settings);
             ModelControl control = new ModelControl(settings.clientProperties(), registry, settings.topics(),
                     new ModelStore(store != null ? store : settings.modelStoreDir()))) {
            ModelVersion announced = control.promote(modality, version, reason);
            spec.commandLine().getOut().println(modality.folderName() + " v" + announced.getVersion() + " is ACTIVE on "
                    + settings.topics().models() + " (digest " + announced.getSha256() + ")");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    static SchemaRegistryClient registry(TrainerWorkerConfig settings) {
        return new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(settings.registryProperties()));
    }
}
