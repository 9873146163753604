package io.d2vstreams.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/** Log levels per command: services log life-cycle events, one-shot commands stay quiet. */
final class Logging {
    private Logging() {
    }

    /** Services: our life-cycle lines at INFO, DEBUG under --verbose. */
    static void configure(CommandSpec spec) {
        if (verbose(spec)) {
            logger("io.d2vstreams").setLevel(Level.DEBUG);
        }
    }

    /** One-shot commands print their own results; logs only say something under --verbose or on a warning. */
    static void quietUnlessVerbose(CommandSpec spec) {
        boolean verbose = verbose(spec);
        logger("io.d2vstreams").setLevel(verbose ? Level.DEBUG : Level.WARN);
        // The embedded broker's start-up warnings (an empty metadata log on first start) are normal here.
        logger("org.apache.kafka").setLevel(verbose ? Level.INFO : Level.ERROR);
        logger("kafka").setLevel(verbose ? Level.INFO : Level.ERROR);
    }

    /** --verbose is inherited, so its value sits on whichever command it was typed after. */
    private static boolean verbose(CommandSpec spec) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.findOption("--verbose") != null && Boolean.TRUE.equals(s.findOption("--verbose").getValue())) {
                return true;
            }
        }
        return false;
    }

    private static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }
}
