package io.d2vstreams.cli;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.trainer.ModelControl;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Serve the previous ACTIVE version again: announce it ACTIVE on d2v.models and the current one RETIRED.",
                "The previous version is verified first, as models promote does; if it fails, nothing is announced."})
final class ModelsRollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TrainerConfigOption config;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    @Option(names = "--reason", paramLabel = "TEXT", description = "A note announced with both records.")
    String reason;

    @Override
    public Integer call() {
        Logging.quietUnlessVerbose(spec);
        TrainerWorkerConfig settings = config.load();
        try (SchemaRegistryClient registry = ModelsPromoteCommand.registry(settings);
             ModelControl control = new ModelControl(settings.clientProperties(), registry, settings.topics(),
                     new ModelStore(settings.modelStoreDir()))) {
            ModelControl.Rollback done = control.rollback(modality, reason);
            spec.commandLine().getOut().println(modality.folderName() + " v" + done.to().getVersion()
                    + " is ACTIVE again; v" + done.from().getVersion() + " is RETIRED");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
