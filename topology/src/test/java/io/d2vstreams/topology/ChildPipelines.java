package io.d2vstreams.topology;

import io.d2vstreams.devstack.DevStack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pipelines in child JVMs ({@link PipelineChildProcess}) against one stack, for the tests that
 * kill them with {@code kill -9}. Every child writes its log to {@link #log()}; {@link #close()}
 * kills those still alive.
 */
final class ChildPipelines implements AutoCloseable {
    private final DevStack stack;
    private final Path modelStore;
    private final Path log;
    private final List<Process> children = new ArrayList<>();
    private final Map<Process, CompletableFuture<Boolean>> ready = new ConcurrentHashMap<>();

    /** Children share the model store {@code dir/models} and log to {@code dir/child-stderr.log}. */
    ChildPipelines(DevStack stack, Path dir) {
        this.stack = stack;
        this.modelStore = dir.resolve("models");
        this.log = dir.resolve("child-stderr.log");
    }

    /** Starts one child ({@code settings} are {@code key=value} overrides) and returns once it is RUNNING. */
    Process start(String... settings) throws IOException {
        Process process = spawn(settings);
        awaitRunning(process);
        return process;
    }

    /** Starts one child without waiting for it; see {@link #awaitRunning}. */
    Process spawn(String... settings) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                PipelineChildProcess.class.getName(), stack.bootstrapServers(), stack.registryUrl(), modelStore.toString()));
        command.addAll(List.of(settings));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        children.add(process);
        ready.put(process, CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.equals(PipelineChildProcess.READY_LINE)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        return process;
    }

    void awaitRunning(Process process) {
        CompletableFuture<Boolean> running = ready.get(process);
        await("child pipeline RUNNING").atMost(Duration.ofMinutes(2)).until(running::isDone);
        assertThat(running.join()).as("child pipeline started; see %s", log).isTrue();
    }

    /** The children in the order they were started, dead ones included. */
    List<Process> all() {
        return List.copyOf(children);
    }

    Process last() {
        return children.get(children.size() - 1);
    }

    Path log() {
        return log;
    }

    /** SIGKILL: no shutdown hook, no commit, no close. */
    static void killHard(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("child died").isTrue();
    }

    @Override
    public void close() {
        children.forEach(Process::destroyForcibly);
    }
}
