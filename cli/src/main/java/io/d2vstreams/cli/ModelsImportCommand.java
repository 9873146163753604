package io.d2vstreams.cli;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.importer.CheckpointImporter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a Hugging Face data2vec checkpoint folder as the store's next version of its modality.",
                "The folder holds config.json, model.safetensors (F32, F16 or BF16), and tokenizer.json (text) or",
                "preprocessor_config.json (image, audio; the architecture's defaults when absent)."})
final class ModelsImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Parameters(index = "0", paramLabel = "DIR", description = "The checkpoint folder (what save_pretrained writes).")
    Path directory;

    @Option(names = "--modality", paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio; default: what config.json's model_type says.")
    Modality modality;

    @Option(names = "--name", paramLabel = "N", description = "Model family name in the store; default: the folder's name.")
    String name;

    @Override
    public Integer call() {
        Logging.quietUnlessVerbose(spec);
        CheckpointImporter.Request request = new CheckpointImporter.Request(
                directory, Optional.ofNullable(modality), Optional.ofNullable(name));
        ModelManifest imported;
        try (StderrProgress progress = new StderrProgress("reading tensors")) {
            imported = new CheckpointImporter(store.open()).importCheckpoint(request, progress::update);
        }
        spec.commandLine().getOut().println(ModelsCommand.describe(imported, store.directory));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
