package dev.p2pchat.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to a running directory over real HTTP and checks every response against
 * openapi.yaml: status documented for the operation, headers, content type and body schema.
 * It remembers which (method, path template, status) it has seen, so a test can prove every
 * documented response was produced.
 */
public final class ContractClient {

    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForSpecificationUrl(Objects.requireNonNull(
                    ContractClient.class.getResource("/static/openapi.yaml"), "openapi.yaml on the classpath").toString())
            .build();
    private static final Pattern PEER_PATH = Pattern.compile("/api/v1/peers/[^/?]+");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String base;
    private final Set<String> seen;
    /** The X-Forwarded-For every request carries, or null. */
    private final String forwardedFor;

    public ContractClient(int port, Set<String> seen) {
        this(port, seen, null);
    }

    private ContractClient(int port, Set<String> seen, String forwardedFor) {
        this.base = "http://127.0.0.1:" + port;
        this.seen = seen;
        this.forwardedFor = forwardedFor;
    }

    /** This client, sending {@code X-Forwarded-For: address} with every request (as a proxy would). */
    public ContractClient forwardedFor(String address) {
        return new ContractClient(port(), seen, address);
    }

    public ContractClient(int port) {
        this(port, ConcurrentHashMap.newKeySet());
    }

    public record Reply(int status, HttpResponse<byte[]> raw, JsonMapper json) {
        public JsonNode body() {
            return json.readTree(raw.body());
        }

        public String text() {
            return new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Reply get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public Reply delete(String path, String token) {
        return send("DELETE", path, token, null, null);
    }

    public Reply post(String path, String token, String body) {
        return send("POST", path, token, "application/json", body);
    }

    public Reply put(String path, String token, String body) {
        return send("PUT", path, token, "application/json", body);
    }

    public Reply send(String method, String path, String token, String contentType, String body) {
        return exchange(method, path, token, contentType,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    /** Sends a body without a Content-Length (chunked), as a streaming client would. */
    public Reply postChunked(String path, byte[] body) {
        Supplier<java.io.InputStream> stream = () -> new ByteArrayInputStream(body);
        return exchange("POST", path, null, "application/json", HttpRequest.BodyPublishers.ofInputStream(stream));
    }

    private Reply exchange(String method, String path, String token, String contentType,
                           HttpRequest.BodyPublisher publisher) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, publisher);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        check(method, path, response);
        return new Reply(response.statusCode(), response, json);
    }

    private void check(String method, String path, HttpResponse<byte[]> response) {
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        SimpleResponse.Builder actual = SimpleResponse.Builder.status(response.statusCode());
        response.headers().map().forEach((name, values) -> actual.withHeader(name, values));
        if (response.body().length > 0) {
            actual.withBody(response.body());
        }
        ValidationReport report = VALIDATOR.validateResponse(rawPath, Request.Method.valueOf(method), actual.build());
        assertThat(report.getMessages())
                .as("%s %s -> %d %s must match openapi.yaml", method, path, response.statusCode(),
                        new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEmpty();
        String template = PEER_PATH.matcher(rawPath).matches() ? "/api/v1/peers/{username}" : rawPath;
        seen.add(method + " " + template + " " + response.statusCode());
    }

    public int port() {
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }

    public Set<String> seen() {
        return seen;
    }

    public static String json(Map<String, ?> fields) {
        return JsonMapper.builder().build().writeValueAsString(fields);
    }
}
