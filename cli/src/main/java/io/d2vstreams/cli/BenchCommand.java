package io.d2vstreams.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code d2v bench}: measured throughput of the encoder, the pipeline end to end through Kafka, the trainer, and
 * whether training improves the representations (a linear probe). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure throughput and latency.",
        subcommands = {BenchEncoderCommand.class, BenchPipelineCommand.class, BenchTrainerCommand.class,
                BenchProbeCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a sub-command: encoder, pipeline, trainer or probe");
    }
}
