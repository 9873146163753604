package io.d2vstreams.schemas.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RegistryUnavailableException;
import io.d2vstreams.schemas.SchemaNotFoundException;
import io.d2vstreams.schemas.SchemaRegistryException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON request to the registry, with fail-over across URLs and retries.
 *
 * <p>An attempt tries each URL once, starting with the last one that answered, until one gives a
 * usable answer. Transport failures (refused, reset, timed out) and 5xx/429 answers move on to the
 * next URL; when every URL has failed, the attempt has failed and the next one starts after a
 * jittered exponential backoff. After {@code maxRetries + 1} failed attempts the call throws
 * {@link RegistryUnavailableException}. Any other answer is final: 2xx is returned, 4xx becomes a
 * {@link SchemaRegistryException}. Every call the client makes is idempotent (registering the same
 * schema twice returns the same id), so retrying after a timeout is safe.
 */
public final class RegistryHttp {

    /** Request and response media type of the Confluent API ("Content types" in the API reference). */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final int MAX_BODY_IN_MESSAGE = 300;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttp.class);

    /** A request: method, path (already encoded) and body, plus the subject and id for error messages. */
    public record Call(String method, String path, String body, String subject, Integer schemaId) {

        public static Call get(String path, String subject, Integer schemaId) {
            return new Call("GET", path, null, subject, schemaId);
        }

        public static Call post(String path, String body, String subject) {
            return new Call("POST", path, body, subject, null);
        }

        public String describe() {
            return method + " " + path;
        }
    }

    private final HttpClient http;
    private final List<URI> urls;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Backoff backoff;
    private final String authorization;
    private final ObjectMapper json;
    /** Index of the URL that answered last; shared by all threads so fail-over sticks. */
    private final AtomicInteger preferred = new AtomicInteger();

    public RegistryHttp(RegistryClientConfig config, ObjectMapper json) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                // The registry speaks HTTP/1.1; asking for it avoids an h2c upgrade on every plain request.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.sslContext() != null) {
            builder.sslContext(config.sslContext());
        }
        this.http = builder.build();
        this.urls = config.urls();
        this.requestTimeout = config.requestTimeout();
        this.maxRetries = config.maxRetries();
        this.backoff = new Backoff(config.retryBackoff(), config.maxRetryBackoff());
        this.authorization = config.basicAuthUserInfo() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
        this.json = json;
    }

    /** Encodes one path segment: a subject may hold any character, '/' and space included. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends {@code call} and returns the JSON body of the 2xx answer. */
    public JsonNode send(Call call) {
        String lastFailure = "no attempt made";
        Exception lastCause = null;
        int attempts = maxRetries + 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                long delay = backoff.delayMs(attempt - 1);
                LOG.warn("schema registry request failed, retrying: request=\"{}\" attempt={}/{} backoff_ms={} failure=\"{}\"",
                        call.describe(), attempt, attempts, delay, lastFailure);
                pause(delay);
            }
            int start = preferred.get();
            for (int i = 0; i < urls.size(); i++) {
                int index = (start + i) % urls.size();
                URI base = urls.get(index);
                HttpResponse<String> response;
                try {
                    response = http.send(request(base, call), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // Refused, reset, unresolvable, connect or request timeout: this URL failed, try the next.
                    lastFailure = base + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                    lastCause = e;
                    continue;
                } catch (InterruptedException e) {
                    throw new InterruptException("interrupted while calling the schema registry: " + call.describe(), e);
                }
                int status = response.statusCode();
                if (status >= 500 || status == 429) {
                    lastFailure = base + ": HTTP " + status + " " + abbreviate(response.body());
                    lastCause = null;
                    continue;
                }
                preferred.set(index);
                if (status >= 200 && status < 300) {
                    return parse(call, response);
                }
                throw refusal(call, response);
            }
        }
        throw new RegistryUnavailableException("schema registry unavailable: " + call.describe() + " failed "
                + attempts + (attempts == 1 ? " attempt" : " attempts") + " over " + urls + "; last failure: "
                + lastFailure, lastCause);
    }

    private HttpRequest request(URI base, Call call) {
        String root = base.toString();
        if (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + call.path()))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (call.body() == null) {
            builder.GET();
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private JsonNode parse(Call call, HttpResponse<String> response) {
        try {
            return json.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(call.describe(), response.statusCode(), SchemaRegistryException.NO_ERROR_CODE,
                    "answer is not JSON: " + abbreviate(response.body()), call.subject(), call.schemaId());
        }
    }

    /**
     * Maps a 4xx answer. The body is {@code {"error_code": n, "message": "..."}} ("Errors" in the
     * Confluent API reference); a body without it (a proxy page) keeps {@code NO_ERROR_CODE}.
     */
    private SchemaRegistryException refusal(Call call, HttpResponse<String> response) {
        int errorCode = SchemaRegistryException.NO_ERROR_CODE;
        String message = abbreviate(response.body());
        try {
            JsonNode body = json.readTree(response.body());
            if (body != null && body.path("error_code").isInt()) {
                errorCode = body.get("error_code").asInt();
                message = body.path("message").asText(message);
            }
        } catch (JsonProcessingException notJson) {
            message = "answer is not a Confluent error: " + message;
        }
        if (errorCode == SchemaRegistryException.SCHEMA_NOT_FOUND) {
            return new SchemaNotFoundException(call.describe(), response.statusCode(), message, call.subject(), call.schemaId());
        }
        return new SchemaRegistryException(call.describe(), response.statusCode(), errorCode, message,
                call.subject(), call.schemaId());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new InterruptException("interrupted while backing off before a schema registry retry", e);
        }
    }

    static String abbreviate(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= MAX_BODY_IN_MESSAGE ? flat : flat.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
}
