package io.d2vstreams.cli;

import io.d2vstreams.cli.demo.DemoReport;
import io.d2vstreams.cli.demo.DemoRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole loop once on the embedded default in a temporary directory: embedded "
                + "broker and registry, pipeline, generated events (some deliberately bad), and print what came out.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "200", description = "Good events to produce per modality (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the counts.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "PT3M", description = "Give up when the results are not all in after this long (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        DemoReport report = DemoRun.run(new DemoRun.Options(records, timeout, Optional.empty(), System.err));
        spec.commandLine().getOut().print(report.toText());
        if (json) {
            spec.commandLine().getOut().println(report.toJson());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
