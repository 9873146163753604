package io.d2vstreams.topology.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.d2vstreams.topology.DeadLetterReason;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.topology.UriPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Fetching image and audio URIs inside the allow-list")
class UriFetcherTest {
    private static final byte[] PAYLOAD = "sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private Path allowed;
    private HttpServer server;
    private final CountDownLatch releaseSlow = new CountDownLatch(1);

    @BeforeEach
    void files() throws IOException {
        allowed = Files.createDirectories(dir.resolve("allowed"));
        Files.write(allowed.resolve("a.bin"), PAYLOAD);
        Files.write(dir.resolve("secret.bin"), PAYLOAD);
    }

    @AfterEach
    void stopServer() {
        releaseSlow.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private UriFetcher files(int maxBytes) {
        return new UriFetcher(new UriPolicy(List.of(allowed), Set.of(), maxBytes, Duration.ofSeconds(5)));
    }

    private static byte[] fetched(UriFetcher.Result result) {
        assertThat(result).as("fetched: %s", result).isInstanceOf(UriFetcher.Result.Fetched.class);
        return ((UriFetcher.Result.Fetched) result).bytes();
    }

    private static UriFetcher.Result.Refused refused(UriFetcher.Result result, DeadLetterReason reason) {
        assertThat(result).as("refused: %s", result).isInstanceOf(UriFetcher.Result.Refused.class);
        UriFetcher.Result.Refused refused = (UriFetcher.Result.Refused) result;
        assertThat(refused.reason()).as("reason of %s", refused.message()).isEqualTo(reason);
        return refused;
    }

    @Test
    @DisplayName("reads a file under an allowed directory")
    void readsAllowedFile() {
        assertThat(fetched(files(1024).fetch(allowed.resolve("a.bin").toUri().toString()))).isEqualTo(PAYLOAD);
    }

    @Test
    @DisplayName("refuses file: URIs when no directory is allowed, naming uri.allowed.dirs")
    void refusesFilesByDefault() {
        UriFetcher none = new UriFetcher(UriPolicy.NONE);
        assertThat(refused(none.fetch(allowed.resolve("a.bin").toUri().toString()), DeadLetterReason.URI_NOT_ALLOWED)
                .message()).contains(PipelineConfig.URI_ALLOWED_DIRS);
    }

    @Test
    @DisplayName("refuses a path that leaves the allowed directory with ..")
    void refusesDotDot() {
        String escape = allowed.toUri() + "../secret.bin";
        assertThat(refused(files(1024).fetch(escape), DeadLetterReason.URI_NOT_ALLOWED).message())
                .contains("outside").contains(PipelineConfig.URI_ALLOWED_DIRS);
    }

    @Test
    @DisplayName("refuses a symbolic link inside the allowed directory that points outside it")
    void refusesSymlinkEscape() throws IOException {
        Path link = Files.createSymbolicLink(allowed.resolve("link.bin"), dir.resolve("secret.bin"));
        refused(files(1024).fetch(link.toUri().toString()), DeadLetterReason.URI_NOT_ALLOWED);
    }

    @Test
    @DisplayName("says a missing file is missing inside the allow-list, and only 'not allowed' outside it")
    void missingFiles() {
        refused(files(1024).fetch(allowed.resolve("none.bin").toUri().toString()), DeadLetterReason.URI_FETCH_FAILED);
        refused(files(1024).fetch(dir.resolve("none.bin").toUri().toString()), DeadLetterReason.URI_NOT_ALLOWED);
    }

    @Test
    @DisplayName("refuses a file larger than uri.max.bytes, naming the limit")
    void refusesLargeFile() {
        assertThat(refused(files(8).fetch(allowed.resolve("a.bin").toUri().toString()), DeadLetterReason.CONTENT_TOO_LARGE)
                .message()).contains("8").contains(PipelineConfig.URI_MAX_BYTES);
    }

    @Test
    @DisplayName("fails fast when an allowed directory does not exist")
    void failsFastOnMissingDirectory() {
        assertThatThrownBy(() -> new UriFetcher(new UriPolicy(List.of(dir.resolve("nope")), Set.of(), 10, Duration.ofSeconds(1))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(PipelineConfig.URI_ALLOWED_DIRS);
    }

    @Test
    @DisplayName("refuses schemes other than file and http(s), and text that is not a URI")
    void refusesOtherSchemes() {
        refused(files(1024).fetch("ftp://example.org/a.bin"), DeadLetterReason.URI_NOT_ALLOWED);
        refused(files(1024).fetch("jar:file:/x.jar!/a"), DeadLetterReason.URI_NOT_ALLOWED);
        refused(files(1024).fetch("not a uri at all"), DeadLetterReason.URI_NOT_ALLOWED);
    }

    private String startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/a.bin", exchange -> respond(exchange, 200, PAYLOAD));
        server.createContext("/big.bin", exchange -> respond(exchange, 200, new byte[100_000]));
        server.createContext("/to-a", exchange -> redirect(exchange, "/a.bin"));
        server.createContext("/to-localhost", exchange -> redirect(exchange,
                "http://localhost:" + server.getAddress().getPort() + "/a.bin"));
        server.createContext("/to-file", exchange -> redirect(exchange, allowed.resolve("a.bin").toUri().toString()));
        server.createContext("/slow", exchange -> {
            try {
                releaseSlow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, PAYLOAD);
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private UriFetcher http(int maxBytes, Duration timeout) {
        return new UriFetcher(new UriPolicy(List.of(), Set.of("127.0.0.1"), maxBytes, timeout));
    }

    @Test
    @DisplayName("fetches from an allowed host and follows a redirect that stays on it")
    void fetchesFromAllowedHost() throws IOException {
        String base = startServer();
        assertThat(fetched(http(1024, Duration.ofSeconds(5)).fetch(base + "/a.bin"))).isEqualTo(PAYLOAD);
        assertThat(fetched(http(1024, Duration.ofSeconds(5)).fetch(base + "/to-a"))).as("via redirect").isEqualTo(PAYLOAD);
    }

    @Test
    @DisplayName("refuses hosts not listed, and redirects to them or to file: URIs")
    void refusesOtherHostsAndRedirects() throws IOException {
        String base = startServer();
        int port = server.getAddress().getPort();
        assertThat(refused(http(1024, Duration.ofSeconds(5)).fetch("http://localhost:" + port + "/a.bin"),
                DeadLetterReason.URI_NOT_ALLOWED).message()).contains(PipelineConfig.URI_ALLOWED_HOSTS);
        assertThat(refused(http(1024, Duration.ofSeconds(5)).fetch(base + "/to-localhost"),
                DeadLetterReason.URI_NOT_ALLOWED).message()).contains("redirected from");
        refused(http(1024, Duration.ofSeconds(5)).fetch(base + "/to-file"), DeadLetterReason.URI_NOT_ALLOWED);
        refused(new UriFetcher(UriPolicy.NONE).fetch(base + "/a.bin"), DeadLetterReason.URI_NOT_ALLOWED);
    }

    @Test
    @DisplayName("stops at uri.max.bytes, reports HTTP errors, and gives up after uri.timeout.ms")
    void limits() throws IOException {
        String base = startServer();
        assertThat(refused(http(1024, Duration.ofSeconds(5)).fetch(base + "/big.bin"), DeadLetterReason.CONTENT_TOO_LARGE)
                .message()).contains("1024").contains(PipelineConfig.URI_MAX_BYTES);
        assertThat(refused(http(1024, Duration.ofSeconds(5)).fetch(base + "/missing"), DeadLetterReason.URI_FETCH_FAILED)
                .message()).contains("404");
        assertThat(refused(http(1024, Duration.ofMillis(300)).fetch(base + "/slow"), DeadLetterReason.URI_FETCH_FAILED)
                .message()).contains("300 ms").contains(PipelineConfig.URI_TIMEOUT_MS);
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
