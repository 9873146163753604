package io.d2vstreams.cli;

import io.d2vstreams.runtime.ModelManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code d2v models}: the model store, and which of its versions serves ({@code d2v.models}). */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Inspect and fill the model store (list versions, generate the seeded default, import a checkpoint) "
                + "and choose what serves (promote a version, roll back to the previous one); backfill re-embeds history.",
        subcommands = {ModelsListCommand.class, ModelsInitCommand.class, ModelsImportCommand.class,
                ModelsPromoteCommand.class, ModelsRollbackCommand.class, ModelsBackfillCommand.class})
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a sub-command: list, init, import, promote, rollback or backfill");
    }

    /** One line naming a new version, for {@code init} and {@code import}. */
    static String describe(ModelManifest m, Path store) {
        return m.modality().folderName() + " v" + m.version() + " " + m.name() + " (dim " + m.dim() + ", digest "
                + m.digest() + ") in " + store;
    }
}
