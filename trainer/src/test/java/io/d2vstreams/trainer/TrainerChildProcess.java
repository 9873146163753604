package io.d2vstreams.trainer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The TEXT worker as a separate JVM, for tests that kill it with {@code kill -9}. Prints
 * {@code STARTED} on stdout once the worker thread runs, then blocks until killed. Arguments:
 * bootstrap servers, registry URL, data directory (models and checkpoints below it).
 */
public final class TrainerChildProcess {
    public static final String READY_LINE = "STARTED";

    private TrainerChildProcess() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>(TrainerTestKit.smallSettings(args[0], args[1], Path.of(args[2])));
        settings.put(TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "1000000"); // this test is about checkpoints
        TrainerWorker.start(TrainerWorkerConfig.from(settings));
        System.out.println(READY_LINE);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
