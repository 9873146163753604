package io.d2vstreams.topology.internal;

import io.d2vstreams.topology.DeadLetterReason;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.topology.UriPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches the bytes an image or audio event points to, but only inside the allow-list of a
 * {@link UriPolicy}: producers write these URIs, so without one a record could make the
 * pipeline read its own files or call internal services.
 *
 * <ul>
 *   <li>{@code file:} paths are resolved with {@link Path#toRealPath} before the check, so
 *       {@code ..} and symbolic links cannot lead out of an allowed directory.</li>
 *   <li>{@code http:}/{@code https:} go only to allowed hosts; redirects are followed by hand
 *       (at most {@value #MAX_REDIRECTS}) and each target is checked like the first URI.</li>
 *   <li>At most {@code maxBytes} are read (the transfer stops there) and the whole fetch,
 *       redirects and body included, must finish within {@code timeout}.</li>
 * </ul>
 * A refusal is a value that says which setting would allow the URI; only an interrupt throws.
 */
public final class UriFetcher {
    static final int MAX_REDIRECTS = 3;

    /** The bytes, or why there are none. */
    public sealed interface Result {
        record Fetched(byte[] bytes) implements Result {
        }

        record Refused(DeadLetterReason reason, String message) implements Result {
        }
    }

    private final UriPolicy policy;
    private final List<Path> allowedDirs;
    private final HttpClient http;

    /** @throws UncheckedIOException naming {@code uri.allowed.dirs} when an allowed directory does not exist */
    public UriFetcher(UriPolicy policy) {
        this.policy = policy;
        this.allowedDirs = realDirs(policy.allowedDirs());
        this.http = policy.allowedHosts().isEmpty() ? null : HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(policy.timeout())
                .build();
    }

    public Result fetch(String uriText) {
        URI uri;
        try {
            uri = new URI(uriText.trim());
        } catch (URISyntaxException e) {
            return notAllowed("\"" + uriText + "\" is not a valid URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> fetchFile(uri);
            case "http", "https" -> fetchHttp(uri);
            default -> notAllowed("\"" + uriText + "\" has scheme \"" + scheme + "\"; only file: (under "
                    + PipelineConfig.URI_ALLOWED_DIRS + ") and http(s): (to " + PipelineConfig.URI_ALLOWED_HOSTS
                    + ") are fetched");
        };
    }

    private Result fetchFile(URI uri) {
        if (allowedDirs.isEmpty()) {
            return notAllowed(uri + " is refused: no directory is allowed; list it in " + PipelineConfig.URI_ALLOWED_DIRS);
        }
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            return notAllowed(uri + " is not a local file URI: " + e.getMessage());
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            // Say "not allowed" rather than "missing" outside the allow-list: do not reveal what exists there.
            return isAllowed(path.normalize())
                    ? failed(uri + ": no such file")
                    : notAllowedDir(uri, path.normalize());
        } catch (IOException e) {
            return isAllowed(path.normalize()) ? failed(uri + ": " + e) : notAllowedDir(uri, path.normalize());
        }
        if (!isAllowed(real)) {
            return notAllowedDir(uri, real);
        }
        if (!Files.isRegularFile(real)) {
            return failed(uri + " is not a regular file");
        }
        try (InputStream in = Files.newInputStream(real)) {
            byte[] bytes = in.readNBytes(policy.maxBytes() + 1);
            return bytes.length > policy.maxBytes() ? tooLarge(uri) : new Result.Fetched(bytes);
        } catch (IOException e) {
            return failed("cannot read " + uri + ": " + e);
        }
    }

    private boolean isAllowed(Path path) {
        return allowedDirs.stream().anyMatch(path::startsWith);
    }

    private Result notAllowedDir(URI uri, Path resolved) {
        return notAllowed(uri + " resolves to " + resolved + ", outside every directory in "
                + PipelineConfig.URI_ALLOWED_DIRS + " " + allowedDirs);
    }

    private Result fetchHttp(URI first) {
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        URI uri = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (!hostAllowed(uri)) {
                String via = hop == 0 ? "" : " (redirected from " + first + ")";
                return notAllowed(uri + via + " is refused: host \"" + uri.getHost() + "\" is not in "
                        + PipelineConfig.URI_ALLOWED_HOSTS + " " + policy.allowedHosts());
            }
            HttpResponse<byte[]> response;
            CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(
                    HttpRequest.newBuilder(uri).timeout(policy.timeout()).GET().build(),
                    info -> new LimitedBody(policy.maxBytes()));
            try {
                response = call.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
                return failed(first + " took longer than " + policy.timeout().toMillis() + " ms ("
                        + PipelineConfig.URI_TIMEOUT_MS + ")");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                return cause instanceof LimitedBody.TooLarge ? tooLarge(first) : failed("cannot fetch " + uri + ": " + cause);
            } catch (InterruptedException e) {
                call.cancel(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fetching " + uri, e);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    return failed(uri + " answered " + status + " without a Location");
                }
                uri = uri.resolve(location);
                continue;
            }
            if (status != 200) {
                return failed(uri + " answered HTTP " + status);
            }
            return new Result.Fetched(response.body());
        }
        return failed(first + " redirected more than " + MAX_REDIRECTS + " times");
    }

    private boolean hostAllowed(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return policy.allowedHosts().contains(host)
                || (uri.getPort() >= 0 && policy.allowedHosts().contains(host + ":" + uri.getPort()));
    }

    private Result tooLarge(URI uri) {
        return new Result.Refused(DeadLetterReason.CONTENT_TOO_LARGE, uri + " holds more than " + policy.maxBytes()
                + " bytes; the limit is " + policy.maxBytes() + " (" + PipelineConfig.URI_MAX_BYTES + ")");
    }

    private static Result notAllowed(String message) {
        return new Result.Refused(DeadLetterReason.URI_NOT_ALLOWED, message);
    }

    private static Result failed(String message) {
        return new Result.Refused(DeadLetterReason.URI_FETCH_FAILED, message);
    }

    private static List<Path> realDirs(List<Path> dirs) {
        List<Path> real = new ArrayList<>();
        for (Path dir : dirs) {
            try {
                real.add(dir.toRealPath());
            } catch (IOException e) {
                throw new UncheckedIOException(PipelineConfig.URI_ALLOWED_DIRS + " lists " + dir
                        + ", which cannot be resolved: " + e, e);
            }
        }
        return List.copyOf(real);
    }

    /** Collects a response body, and cancels the transfer as soon as it passes the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        static final class TooLarge extends IOException {
            TooLarge(long limit) {
                super("body larger than " + limit + " bytes");
            }
        }

        private final int limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<ByteBuffer> parts = new ArrayList<>();
        private Flow.Subscription subscription;
        private long received;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                received += item.remaining();
                parts.add(item);
            }
            if (received > limit) {
                subscription.cancel();
                parts.clear();
                result.completeExceptionally(new TooLarge(limit));
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            byte[] bytes = new byte[(int) received];
            int at = 0;
            for (ByteBuffer part : parts) {
                int n = part.remaining();
                part.get(bytes, at, n);
                at += n;
            }
            result.complete(bytes);
        }
    }
}
