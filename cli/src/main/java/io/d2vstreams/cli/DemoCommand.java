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
        description = {"Run the whole loop once on the embedded default in a temporary directory: embedded broker and",
                "registry, pipeline and trainer, generated text, images and audio (some deliberately bad). The trainer",
                "learns from the sampled text, images and audio until the pipeline serves a trained version of each;",
                "then more events of each modality are embedded with it. Prints counts, dead letters by reason, the",
                "model versions used and the trainer's decisions per modality."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "200",
            description = "Good events to produce per modality (text, image, audio) before the refresh; half as many "
                    + "again after it (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the counts, versions and "
            + "trainer decisions of text, image and audio.")
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
