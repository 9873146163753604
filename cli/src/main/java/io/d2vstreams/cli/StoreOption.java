package io.d2vstreams.cli;

import io.d2vstreams.runtime.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store DIR}: the model store a command reads or writes; the pipeline's default location. */
final class StoreOption {
    /** The pipeline's {@code model.store.dir} default, so the CLI and a local pipeline share a store. */
    static final String DEFAULT = "d2v-data/models";

    @Option(names = "--store", paramLabel = "DIR", defaultValue = DEFAULT,
            description = "Model store directory (default: ${DEFAULT-VALUE}).")
    Path directory;

    ModelStore open() {
        return new ModelStore(directory);
    }
}
