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
    private static final Pattern KEY_HISTORY_PATH = Pattern.compile("/api/v1/log/keys/[^/?]+");

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
        String template = PEER_PATH.matcher(rawPath).matches() ? "/api/v1/peers/{username}"
                : KEY_HISTORY_PATH.matcher(rawPath).matches() ? "/api/v1/log/keys/{username}" : rawPath;
        seen.add(method + " " + template + " " + response.statusCode());
    }

    /**
     * The answer to a WebSocket upgrade request (checked against openapi.yaml like every other);
     * after a 101, {@code socket} is the upgraded connection, to be closed by the caller.
     */
    public record Upgrade(int status, Map<String, java.util.List<String>> headers, byte[] body, java.net.Socket socket)
            implements AutoCloseable {
        public JsonNode json() {
            return JsonMapper.builder().build().readTree(body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Sends a WebSocket upgrade request for {@code path} over a plain socket (the JDK's HTTP
     * client refuses to send {@code Upgrade} itself), with {@code token} if not null; when
     * {@code upgrade} is false, a plain GET without the upgrade headers.
     */
    public Upgrade upgrade(String path, String token, boolean upgrade) {
        try {
            java.net.Socket socket = new java.net.Socket("127.0.0.1", port());
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\n");
            if (upgrade) {
                request.append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")
                        .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
            } else {
                request.append("Connection: close\r\n");
            }
            if (token != null) {
                request.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            String status = headerLine(in);
            int code = Integer.parseInt(status.split(" ")[1]);
            Map<String, java.util.List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line = headerLine(in); !line.isEmpty(); line = headerLine(in)) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).strip(), k -> new java.util.ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
            byte[] body = new byte[0];
            if (code != 101) {
                if (headers.containsKey("Content-Length")) {
                    body = in.readNBytes(Integer.parseInt(headers.get("Content-Length").get(0)));
                } else if (headers.getOrDefault("Transfer-Encoding", java.util.List.of()).contains("chunked")) {
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    for (int size = Integer.parseInt(headerLine(in).split(";")[0].strip(), 16); size > 0;
                         size = Integer.parseInt(headerLine(in).split(";")[0].strip(), 16)) {
                        all.write(in.readNBytes(size));
                        headerLine(in);
                    }
                    body = all.toByteArray();
                }
            }
            SimpleResponse.Builder actual = SimpleResponse.Builder.status(code);
            headers.forEach(actual::withHeader);
            if (body.length > 0) {
                actual.withBody(body);
            }
            String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            ValidationReport report = VALIDATOR.validateResponse(rawPath, Request.Method.GET, actual.build());
            assertThat(report.getMessages()).as("GET %s (upgrade) -> %d %s must match openapi.yaml", path, code,
                    new String(body, java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
            seen.add("GET " + rawPath + " " + code);
            return new Upgrade(code, headers, body, socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String headerLine(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the answer's head");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
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
