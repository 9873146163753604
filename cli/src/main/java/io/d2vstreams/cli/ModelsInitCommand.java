package io.d2vstreams.cli;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelSize;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Generate a seeded encoder of a modality (the tiny default, or base-sized for benchmarks) as the store's next version.")
final class ModelsInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of the weights; the same seed gives byte-identical model files (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "tiny", paramLabel = "SIZE", converter = ModelSizeConverter.class,
            description = "tiny (64 wide, 2 layers: the embedded default) or base (768 wide, 12 layers, the released "
                    + "data2vec base shape, seeded weights; about 0.5 GB per version) (default: ${DEFAULT-VALUE}).")
    ModelSize size;

    @Override
    public Integer call() {
        Logging.quietUnlessVerbose(spec);
        ModelManifest created = store.open().initSeeded(modality, size, seed);
        spec.commandLine().getOut().println(ModelsCommand.describe(created, store.directory));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
