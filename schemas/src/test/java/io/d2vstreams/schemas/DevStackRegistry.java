package io.d2vstreams.schemas;

import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link RegistryClientConfig} parameter to the project's real registry: a {@link DevStack}
 * (in-process KRaft broker + registry on ephemeral ports). One stack serves the whole test run; it is
 * started by the first test that asks and closed by JUnit when the run ends, because starting one
 * takes seconds. Tests that share it must use subjects of their own: see {@link #topic}.
 */
final class DevStackRegistry implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(DevStackRegistry.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RegistryClientConfig.class;
    }

    @Override
    public RegistryClientConfig resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RunningStack stack = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(RunningStack.class, key -> RunningStack.start(), RunningStack.class);
        return RegistryClientConfig.forUrls(stack.devStack.registryUrl());
    }

    /**
     * A topic name unique to the running test, {@code <base>.<class>.<method>}, so its subjects
     * ({@code <topic>-value}, {@code <topic>-key}) start empty however many tests ran before.
     */
    static String topic(String base, TestInfo test) {
        return base + "." + test.getTestClass().orElseThrow().getSimpleName()
                + "." + test.getTestMethod().orElseThrow().getName();
    }

    /** Closed by JUnit with the root store, at the end of the run. */
    private record RunningStack(Path dataDir, DevStack devStack) implements AutoCloseable {

        static RunningStack start() {
            Path dataDir;
            try {
                dataDir = Files.createTempDirectory("schemas-devstack-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                return new RunningStack(dataDir,
                        DevStack.start(DevStackOptions.builder(dataDir).kafkaPort(0).registryPort(0).build()));
            } catch (RuntimeException e) {
                try {
                    deleteTree(dataDir);
                } catch (IOException cleanupFailure) {
                    e.addSuppressed(cleanupFailure);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            devStack.close();
            deleteTree(dataDir);
        }

        private static void deleteTree(Path root) throws IOException {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
