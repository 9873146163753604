package io.d2vstreams.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a long-running service up until the JVM is asked to stop (Ctrl-C, SIGTERM): a shutdown
 * hook closes the service, and the command's thread waits for that close to finish, so the
 * process exits only after every Kafka client has committed or aborted cleanly.
 */
final class ServiceLifetime {
    private ServiceLifetime() {
    }

    /** Blocks until the JVM shuts down and {@code service} is closed. */
    static void runUntilStopped(AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                // The process is exiting either way; say why the close was not clean.
                System.err.println("d2v: clean shutdown failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "d2v-shutdown"));
        stopped.await();
    }
}
