package io.d2vstreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code d2v} command. Each sub-command parses its options and calls a library API; no
 * logic lives only here. Errors are one line on stderr and a non-zero exit; {@code --verbose}
 * adds the stack trace.
 */
@Command(name = "d2v", mixinStandardHelpOptions = true, version = "d2v-streams 0.1.0",
        description = "Continual data2vec embeddings for Kafka streams of text, images and audio.",
        subcommands = {DemoCommand.class, UpCommand.class, PipelineCommand.class, TrainerCommand.class, ProduceCommand.class, TailCommand.class, StatusCommand.class, ModelsCommand.class, EmbedCommand.class, IndexCommand.class, SearchCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class D2v {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print full stack traces and debug logs.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also what the tests execute in-process. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new D2v());
        // A mistyped option is one line and a pointer to --help, not the whole usage text.
        commandLine.setParameterExceptionHandler((error, args) -> {
            CommandLine cl = error.getCommandLine();
            cl.getErr().println("d2v: " + error.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
            CommandLine.UnmatchedArgumentException.printSuggestions(error, cl.getErr());
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler((error, cl, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(sub -> sub.hasMatchedOption("--verbose"));
            cl.getErr().println("d2v: " + describe(error));
            if (verbose) {
                error.printStackTrace(cl.getErr());
            }
            return 1;
        });
        return commandLine;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
