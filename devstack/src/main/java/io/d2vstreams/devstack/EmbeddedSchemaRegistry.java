package io.d2vstreams.devstack;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.d2vstreams.devstack.internal.registry.KafkaSchemaLog;
import io.d2vstreams.devstack.internal.registry.RegistryHttpHandler;
import io.d2vstreams.devstack.internal.registry.SchemaRegistryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Schema Registry that speaks Confluent's REST API for Avro schemas, served by the JDK's HTTP server and
 * stored in a compacted Kafka topic ({@link RegistryOptions#topic()}), so ids, versions and compatibility
 * settings survive restarts. Confluent's serdes and clients work against {@link #url()} unchanged.
 *
 * <p>Access: optional HTTP basic auth ({@link RegistryAuth}: writes need credentials, reads too if so
 * configured) and optional TLS ({@link RegistryTls}). Without auth the registry binds only to a loopback
 * address, so that nobody on the network can register schemas, change compatibility or delete subjects;
 * {@link #start} refuses any other address then.
 *
 * <p>Limits, fit for development: Avro only, no schema references, no modes/contexts/ACLs, and a single
 * registry instance per topic (it reads the topic once at start and then assumes it is the only writer).
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
 *         RegistryOptions.builder(broker.bootstrapServers()).port(0).build())) {
 *     String url = registry.url();
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final int HTTP_THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final KafkaSchemaLog log;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor, KafkaSchemaLog log, String url) {
        this.server = server;
        this.executor = executor;
        this.log = log;
        this.url = url;
    }

    /**
     * Creates the topic if needed, reads it to the end to rebuild the registry, then starts serving.
     *
     * @throws IllegalArgumentException if the host is not a loopback address and there is no authentication
     * @throws IllegalStateException if Kafka cannot be reached or the topic holds foreign records
     * @throws UncheckedIOException  if the HTTP port cannot be bound
     */
    public static EmbeddedSchemaRegistry start(RegistryOptions options) {
        long startNanos = System.nanoTime();
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        boolean loopback = address.getAddress() != null && address.getAddress().isLoopbackAddress();
        if (!options.auth().enabled() && !loopback) {
            throw new IllegalArgumentException("the schema registry would serve " + options.host() + " ("
                + (address.getAddress() == null ? "unresolved" : address.getAddress().getHostAddress())
                + ") without authentication, letting anyone who reaches it register schemas, change compatibility "
                + "and delete subjects; expected a loopback host such as localhost, or basic-auth users (RegistryAuth.basic)");
        }
        KafkaSchemaLog log = KafkaSchemaLog.open(options.bootstrapServers(), options.topic(), (short) 1, options.kafkaTimeout());
        ExecutorService executor = null;
        try {
            SchemaRegistryService service = new SchemaRegistryService(log);
            HttpServer server;
            if (options.tls() != null) {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(options.tls().context()));
                server = https;
            } else {
                server = HttpServer.create(address, 0);
            }
            executor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads());
            server.setExecutor(executor);
            server.createContext("/", new RegistryHttpHandler(service, options.auth()));
            server.start();
            String url = (options.tls() != null ? "https" : "http") + "://" + options.host() + ":" + server.getAddress().getPort();
            // One line that says who can reach it and who can change it, so an operator sees an open registry at once.
            LOG.info("Schema registry started url={} topic={} subjects={} auth={} access=\"{}\" tls={} startupMs={}", url,
                options.topic(), service.subjects(false).size(), options.auth(), access(options.auth(), loopback),
                options.tls() != null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return new EmbeddedSchemaRegistry(server, executor, log, url);
        } catch (IOException e) {
            closeAfterFailedStart(log, executor);
            throw new UncheckedIOException("Cannot serve the schema registry on " + options.host() + ":" + options.port(), e);
        } catch (RuntimeException e) {
            closeAfterFailedStart(log, executor);
            throw e;
        }
    }

    /** {@code http://host:port} ({@code https://} with TLS), with the port actually bound. */
    public String url() {
        return url;
    }

    /** Stops serving, waits for handlers already running to finish, then closes the Kafka producer. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // stop(0): on JDK 17 any positive delay is always waited in full, even with no request in flight.
            server.stop(0);
            executor.shutdown();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Schema registry HTTP threads still busy after 10 s url={}", url);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.close();
            LOG.info("Schema registry stopped url={}", url);
        }
    }

    private static String access(RegistryAuth auth, boolean loopback) {
        if (!auth.enabled()) {
            return "no authentication, so bound to loopback only: reachable from this machine alone, where anyone may write";
        }
        return (loopback ? "loopback" : "network") + "; writes need credentials, reads "
            + (auth.readsNeedCredentials() ? "need credentials too" : "are open");
    }

    private static void closeAfterFailedStart(KafkaSchemaLog log, ExecutorService executor) {
        if (executor != null) {
            executor.shutdownNow();
        }
        log.close();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
