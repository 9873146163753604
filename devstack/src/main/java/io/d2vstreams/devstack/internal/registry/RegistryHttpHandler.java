package io.d2vstreams.devstack.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.d2vstreams.devstack.RegistryAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Confluent's Schema Registry REST API over {@link SchemaRegistryService}
 * (https://docs.confluent.io/platform/current/schema-registry/develop/api.html): routing, JSON bodies and
 * error bodies {@code {"error_code": n, "message": "..."}}. Query parameters the embedded registry does not
 * need (normalize, fetchMaxId, subjectPrefix...) are ignored, so Confluent's clients work unchanged.
 */
public final class RegistryHttpHandler implements HttpHandler {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Request bodies Confluent's server accepts; a request without a content type is taken as JSON too. */
    private static final Set<String> BODY_TYPES = Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json",
        "application/json", "application/octet-stream");
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final String REALM = "d2v-streams schema registry";

    private final ObjectMapper mapper = new ObjectMapper();
    private final SchemaRegistryService service;
    private final RegistryAuth auth;
    private final List<Route> routes = new ArrayList<>();

    /**
     * @param auth who may call which route: {@link Access#WRITE} routes need credentials whenever auth is
     *     enabled, {@link Access#READ} routes only when it says reads do too
     */
    public RegistryHttpHandler(SchemaRegistryService service, RegistryAuth auth) {
        this.service = service;
        this.auth = auth;
        route("GET", "/", Access.READ, c -> Map.of());
        route("GET", "/schemas/types", Access.READ, c -> List.of("AVRO"));
        route("GET", "/schemas/ids/{id}", Access.READ, c -> Map.of("schema", service.schemaById(id(c.param(0)))));
        route("GET", "/schemas/ids/{id}/schema", Access.READ, c -> rawJson(service.schemaById(id(c.param(0)))));
        route("GET", "/schemas/ids/{id}/subjects", Access.READ, c -> service.registrationsById(id(c.param(0)), c.flag("deleted"))
            .stream().map(RegisteredSchema::subject).distinct().toList());
        route("GET", "/schemas/ids/{id}/versions", Access.READ, c -> service.registrationsById(id(c.param(0)), c.flag("deleted"))
            .stream().map(r -> Map.of("subject", r.subject(), "version", r.version())).toList());
        route("GET", "/subjects", Access.READ, c -> service.subjects(c.flag("deleted")));
        route("GET", "/subjects/{subject}/versions", Access.READ, c -> service.versions(c.param(0), c.flag("deleted")));
        route("POST", "/subjects/{subject}/versions", Access.WRITE, c -> Map.of("id", service.register(c.param(0), schemaRequest(c))));
        route("POST", "/subjects/{subject}", Access.READ, c -> versionBody(service.lookup(c.param(0), schemaRequest(c), c.flag("deleted"))));
        route("DELETE", "/subjects/{subject}", Access.WRITE, c -> service.deleteSubject(c.param(0), c.flag("permanent")));
        route("GET", "/subjects/{subject}/versions/{version}", Access.READ,
            c -> versionBody(service.version(c.param(0), c.param(1), c.flag("deleted"))));
        route("GET", "/subjects/{subject}/versions/{version}/schema", Access.READ,
            c -> rawJson(service.version(c.param(0), c.param(1), c.flag("deleted")).schema()));
        route("DELETE", "/subjects/{subject}/versions/{version}", Access.WRITE,
            c -> service.deleteVersion(c.param(0), c.param(1), c.flag("permanent")));
        route("GET", "/config", Access.READ, c -> Map.of("compatibilityLevel", service.globalLevel()));
        route("PUT", "/config", Access.WRITE, c -> Map.of("compatibility", service.setGlobalLevel(compatibility(c))));
        route("GET", "/config/{subject}", Access.READ,
            c -> Map.of("compatibilityLevel", service.subjectLevel(c.param(0), c.flag("defaultToGlobal"))));
        route("PUT", "/config/{subject}", Access.WRITE, c -> Map.of("compatibility", service.setSubjectLevel(c.param(0), compatibility(c))));
        route("DELETE", "/config/{subject}", Access.WRITE, c -> Map.of("compatibilityLevel", service.deleteSubjectLevel(c.param(0))));
        route("POST", "/compatibility/subjects/{subject}/versions/{version}", Access.READ,
            c -> compatibilityBody(service.compatibilityProblems(c.param(0), c.param(1), schemaRequest(c)), c.flag("verbose")));
        route("POST", "/compatibility/subjects/{subject}/versions", Access.READ,
            c -> compatibilityBody(service.compatibilityProblems(c.param(0), null, schemaRequest(c)), c.flag("verbose")));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            int status = 200;
            Object body;
            try {
                body = dispatch(exchange, path);
            } catch (RegistryException e) {
                status = e.httpStatus();
                body = error(e.errorCode(), e.getMessage());
                if (status >= 500) {
                    LOG.error("Schema registry request failed method={} path={}", exchange.getRequestMethod(), path, e);
                }
            } catch (HttpError e) {
                status = e.status;
                body = error(e.status, e.getMessage());
                if (status == 401) {
                    // RFC 7235: a 401 names the scheme to use; clients (curl, Confluent's) then send credentials.
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
                }
            } catch (JsonProcessingException e) {
                status = 400;
                body = error(400, "Malformed JSON request body: " + e.getOriginalMessage());
            } catch (RuntimeException e) {
                // A bug, not a client error: answer 500 and log it with its stack trace.
                LOG.error("Schema registry request failed method={} path={}", exchange.getRequestMethod(), path, e);
                status = 500;
                body = error(500, "Internal error: " + e);
            }
            byte[] bytes = mapper.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            exchange.close();
        }
    }

    private Object dispatch(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher matcher = route.path().matcher(path);
            if (!matcher.matches()) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(method)) {
                authorize(exchange, method, path, route.access());
                List<String> params = new ArrayList<>();
                for (int i = 1; i <= matcher.groupCount(); i++) {
                    params.add(decodePathSegment(matcher.group(i)));
                }
                byte[] body = method.equals("POST") || method.equals("PUT") ? readBody(exchange) : new byte[0];
                return route.action().handle(new Call(params, query(exchange.getRequestURI().getRawQuery()), body));
            }
        }
        throw pathKnown ? new HttpError(405, "HTTP 405 Method Not Allowed") : new HttpError(404, "HTTP 404 Not Found");
    }

    private void route(String method, String template, Access access, Action action) {
        // "{name}" matches one path segment, still URL-encoded (a subject may contain an encoded '/').
        Pattern pattern = Pattern.compile(template.replaceAll("\\{[a-z]+}", "([^/]+)"));
        routes.add(new Route(method, pattern, access, action));
    }

    /**
     * Refuses, before the request body is even read, a call that needs credentials and lacks valid
     * ones: 401 for a missing, malformed or wrong {@code Authorization} header alike, so a caller
     * cannot tell which user names exist.
     */
    private void authorize(HttpExchange exchange, String method, String path, Access access) {
        if (!auth.enabled() || (access == Access.READ && !auth.readsNeedCredentials())) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth.authenticate(header).isPresent()) {
            return;
        }
        String reason = header == null ? "no credentials" : "invalid credentials";
        // The header itself is never logged: it carries the password, even when it is the wrong one.
        LOG.warn("Schema registry refused request method={} path={} remote={} reason=\"{}\"", method, path,
            exchange.getRemoteAddress().getAddress().getHostAddress(), reason);
        throw new HttpError(401, "Unauthorized: " + (access == Access.WRITE ? "this request changes the registry and"
            : "this registry") + " needs the credentials of a registry user (HTTP basic auth); " + reason + " given");
    }

    private SchemaRequest schemaRequest(Call call) throws IOException {
        JsonNode body = json(call);
        JsonNode schema = body.get("schema");
        JsonNode type = body.get("schemaType");
        JsonNode references = body.get("references");
        return new SchemaRequest(schema != null && schema.isTextual() ? schema.asText() : null,
            type != null && type.isTextual() ? type.asText() : null,
            references != null && references.isArray() ? references.size() : 0);
    }

    private String compatibility(Call call) throws IOException {
        JsonNode level = json(call).get("compatibility");
        return level != null && level.isTextual() ? level.asText() : null;
    }

    private JsonNode json(Call call) throws IOException {
        JsonNode node = call.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(call.body());
        if (!node.isObject()) {
            throw new HttpError(400, "The request body must be a JSON object");
        }
        return node;
    }

    private JsonNode rawJson(String schema) throws IOException {
        return mapper.readTree(schema);
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.isEmpty() && !BODY_TYPES.contains(mediaType)) {
            throw new HttpError(415, "HTTP 415 Unsupported Media Type: " + contentType);
        }
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static Map<String, Object> versionBody(RegisteredSchema r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", r.subject());
        body.put("version", r.version());
        body.put("id", r.id());
        body.put("schema", r.schema());
        return body;
    }

    private static Map<String, Object> compatibilityBody(List<String> problems, boolean verbose) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("is_compatible", problems.isEmpty());
        if (verbose) {
            body.put("messages", problems);
        }
        return body;
    }

    private static Map<String, Object> error(int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        return body;
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("Schema " + text);
        }
    }

    private static String decodePathSegment(String segment) {
        // URLDecoder decodes form data, where '+' means a space; in a path '+' is itself.
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    @FunctionalInterface
    private interface Action {
        Object handle(Call call) throws IOException;
    }

    private record Route(String method, Pattern path, Access access, Action action) {
    }

    /** Whether a route only reads the registry or changes it; see {@link RegistryAuth}. */
    private enum Access {
        READ,
        WRITE
    }

    /** One request: decoded path parameters in template order, query parameters, raw body. */
    private record Call(List<String> params, Map<String, String> query, byte[] body) {
        String param(int index) {
            return params.get(index);
        }

        boolean flag(String name) {
            return Boolean.parseBoolean(query.get(name));
        }
    }

    /** A protocol-level refusal (unknown path, wrong method, media type), answered with the HTTP status as code. */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
