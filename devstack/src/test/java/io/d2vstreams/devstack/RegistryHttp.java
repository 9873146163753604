package io.d2vstreams.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A bare HTTP client for the registry's REST API, as any non-Java client would use it. */
final class RegistryHttp {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client;
    private final SSLContext tls;
    private final String baseUrl;
    /** The Authorization header sent with every request, or null for none. */
    private final String authorization;

    RegistryHttp(String baseUrl) {
        this(baseUrl, null, null);
    }

    private RegistryHttp(String baseUrl, SSLContext tls, String authorization) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.client = builder.build();
        this.tls = tls;
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    /** The same registry over https, trusting what {@code tls} trusts. */
    RegistryHttp trusting(SSLContext tls) {
        return new RegistryHttp(baseUrl, tls, authorization);
    }

    /** Every request with HTTP basic auth as {@code user:password}. */
    RegistryHttp withBasicAuth(String userInfo) {
        return withAuthorization("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every request with this Authorization header, verbatim. */
    RegistryHttp withAuthorization(String header) {
        return new RegistryHttp(baseUrl, tls, header);
    }

    /** A status, the parsed JSON body and the headers that tests look at. */
    record Reply(int status, JsonNode body, String contentType, String wwwAuthenticate) {
        int errorCode() {
            return body.path("error_code").asInt(-1);
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Reply post(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", CONTENT_TYPE).POST(json(body)));
    }

    Reply put(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", CONTENT_TYPE).PUT(json(body)));
    }

    /** POST with any content type, to check what the server accepts. */
    Reply post(String path, Object body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType).POST(json(body)));
    }

    /** {@code POST /subjects/{subject}/versions}; returns the id, failing the test on an error status. */
    int register(String subject, String schema) {
        Reply reply = post("/subjects/" + subject + "/versions", schemaBody(schema));
        if (reply.status() != 200) {
            throw new AssertionError("registering under " + subject + " answered " + reply);
        }
        return reply.body().get("id").asInt();
    }

    static Map<String, Object> schemaBody(String schema) {
        return Map.of("schema", schema);
    }

    private Reply send(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), MAPPER.readTree(response.body()),
                response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("WWW-Authenticate").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
