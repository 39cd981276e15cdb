package dev.p2pchat.peer.directory;

import dev.p2pchat.peer.directory.DirectoryException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The directory over HTTP(S) with {@link HttpClient}. Every failure becomes a
 * {@link DirectoryException} whose message can be shown to the user as is; passwords travel only
 * in request bodies written straight from {@code char[]} and are zeroed afterwards.
 */
public final class HttpDirectory implements Directory {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** No answer of this API comes near it; a bigger body is refused before it is parsed. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final URI base;
    private final HttpClient http;
    private final Answers answers;
    private final Duration requestTimeout;
    /** Unknown members are skipped (the API may grow); a number sent as a string is the wrong shape. */
    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    public HttpDirectory(URI base, Path serverCa) throws DirectoryException {
        this(base, serverCa, REQUEST_TIMEOUT);
    }

    /** With another bound on each whole request and answer (tests). */
    HttpDirectory(URI base, Path serverCa, Duration requestTimeout) throws DirectoryException {
        this.requestTimeout = requestTimeout;
        String scheme = base.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || base.getHost() == null) {
            throw new DirectoryException(Kind.INVALID, "invalid --server '" + base + "': expected http://host:port or https://host:port");
        }
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (serverCa != null) {
            builder.sslContext(trusting(serverCa));
        }
        this.http = builder.build();
        this.answers = new Answers(this.base);
    }

    @Override
    public URI base() {
        return base;
    }

    /** An SSL context that trusts exactly the certificates in a PEM file (a private CA). */
    private static SSLContext trusting(Path pem) throws DirectoryException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new DirectoryException(Kind.INVALID, "--server-ca " + pem + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new DirectoryException(Kind.INVALID, "cannot read --server-ca " + pem + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String register(String username, char[] password) throws DirectoryException {
        byte[] body = credentials(username, password, null);
        try {
            JsonNode reply = call("POST", "/api/v1/accounts", null, body, Operation.REGISTER, username);
            return answers.registered(reply.path("username").asString(null), username);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    @Override
    public Session login(String username, char[] password, String fingerprint) throws DirectoryException {
        byte[] body = credentials(username, password, fingerprint);
        try {
            JsonNode reply = call("POST", "/api/v1/sessions", null, body, Operation.LOGIN, username);
            return answers.session(as(reply, Session.class), username);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    @Override
    public void logout(String token) throws DirectoryException {
        call("DELETE", "/api/v1/sessions/current", token, null, Operation.OTHER, null);
    }

    @Override
    public Presence publish(String token, int port, List<Signal.Candidate> addresses) throws DirectoryException {
        var body = json.createObjectNode().put("port", port);
        if (!addresses.isEmpty()) {
            var list = body.putArray("addresses");
            for (Signal.Candidate address : addresses) {
                list.addObject().put("host", address.host()).put("port", address.port()).put("kind", address.kind());
            }
        }
        return answers.presence(as(call("PUT", "/api/v1/presence", token, json.writeValueAsBytes(body), Operation.PUBLISH,
                null), Presence.class), port);
    }

    @Override
    public void goOffline(String token) throws DirectoryException {
        call("DELETE", "/api/v1/presence", token, null, Operation.OTHER, null);
    }

    @Override
    public PeerPage peers(String token, int limit, String after) throws DirectoryException {
        String query = "?limit=" + limit + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        return answers.page(as(call("GET", "/api/v1/peers" + query, token, null, Operation.OTHER, null), PeerPage.class),
                limit);
    }

    @Override
    public Peer lookup(String token, String username) throws DirectoryException {
        JsonNode reply = call("GET", "/api/v1/peers/" + segment(username), token, null, Operation.LOOKUP, username);
        // the key log proof is read apart, as hostile input, by the key log checks
        JsonNode keyLog = reply != null && reply.isObject() ? ((tools.jackson.databind.node.ObjectNode) reply).remove("keyLog")
                : null;
        Peer peer = answers.peer(as(reply, Peer.class), username);
        return keyLog == null || keyLog.isNull() ? peer : peer.withKeyLog(json.writeValueAsBytes(keyLog));
    }

    @Override
    public byte[] logKey() throws DirectoryException {
        return raw(call("GET", "/.well-known/p2pchat-log-key", null, null, Operation.OTHER, null));
    }

    @Override
    public byte[] logConsistency(long from, long to) throws DirectoryException {
        return raw(call("GET", "/api/v1/log/consistency?from=" + from + "&to=" + to, null, null, Operation.OTHER, null));
    }

    @Override
    public byte[] keyHistory(String username) throws DirectoryException {
        return raw(call("GET", "/api/v1/log/keys/" + segment(username), null, null, Operation.LOOKUP, username));
    }

    @Override
    public byte[] rotateKey(String token, String fingerprint, String certificate, String signature)
            throws DirectoryException {
        var body = json.createObjectNode().put("fingerprint", fingerprint).put("certificate", certificate)
                .put("signature", signature);
        return raw(call("PUT", "/api/v1/keys/current", token, json.writeValueAsBytes(body), Operation.ROTATE, null));
    }

    private static String segment(String username) {
        return URLEncoder.encode(username, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An answer handed on as JSON bytes, for a parser that reads it as hostile input. */
    private byte[] raw(JsonNode reply) throws DirectoryException {
        if (reply == null || !reply.isObject()) {
            throw new DirectoryException(Kind.BAD_ANSWER, "the directory at " + base + " sent an answer that is not a JSON object");
        }
        return json.writeValueAsBytes(reply);
    }

    @Override
    public SignalChannel signals(String token, boolean listening, SignalChannel.Handler handler) throws DirectoryException {
        return SignalChannel.open(http, base, token, listening, handler);
    }

    /** The answer as a record; a member of the wrong type is the directory's fault, not ours. */
    private <T> T as(JsonNode reply, Class<T> type) throws DirectoryException {
        if (reply == null || !reply.isObject()) {
            throw new DirectoryException(Kind.BAD_ANSWER, "the directory at " + base + " sent an answer that is not a JSON object");
        }
        try {
            return json.treeToValue(reply, type);
        } catch (JacksonException e) {
            String field = e instanceof tools.jackson.databind.DatabindException databind && !databind.getPath().isEmpty()
                    ? " (field '" + databind.getPath().get(databind.getPath().size() - 1).getPropertyName() + "')" : "";
            throw new DirectoryException(Kind.BAD_ANSWER, "the directory at " + base
                    + " sent an answer of the wrong shape" + field);
        }
    }

    private enum Operation { REGISTER, LOGIN, LOOKUP, ROTATE, PUBLISH, OTHER }

    /** Writes {"username":..,"password":..,"fingerprint":..} straight from the char array, then zeroes it. */
    private byte[] credentials(String username, char[] password, String fingerprint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator generator = json.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringProperty("username", username);
            generator.writeName("password");
            generator.writeString(password, 0, password.length);
            if (fingerprint != null) {
                generator.writeStringProperty("fingerprint", fingerprint);
            }
            generator.writeEndObject();
        } finally {
            Arrays.fill(password, '\0');
        }
        return out.toByteArray();
    }

    private JsonNode call(String method, String path, String token, byte[] body, Operation operation, String subject)
            throws DirectoryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json, application/problem+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response;
        // one deadline for the whole exchange, body included: a directory that sends its headers
        // and then nothing must not hold the caller (HttpRequest.timeout stops at the headers)
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request.build(), BoundedBody.HANDLER);
        try {
            response = pending.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw unreachable("no answer within " + seconds(requestTimeout), e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new DirectoryException(Kind.UNREACHABLE, "interrupted while talking to the directory", e);
        }
        byte[] answer = response.body();
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (answer.length == 0) {
                return json.nullNode();
            }
            try {
                return json.readTree(answer);
            } catch (JacksonException e) {
                throw new DirectoryException(Kind.SERVER, "the directory at " + base + " sent an answer that is not JSON; is --server right?");
            }
        }
        throw failure(status, problem(answer), operation, subject,
                response.headers().firstValue("Retry-After").orElse(null));
    }

    private DirectoryException failure(Throwable cause) {
        if (cause instanceof BoundedBody.TooLarge) {
            return new DirectoryException(Kind.BAD_ANSWER, "the directory at " + base + " sent an answer over 1 MiB; refused");
        }
        if (cause instanceof HttpConnectTimeoutException e) {
            return unreachable("timed out connecting", e);
        }
        if (cause instanceof HttpTimeoutException e) {
            return unreachable("no answer within " + seconds(requestTimeout), e);
        }
        if (cause instanceof ConnectException e) {
            return unreachable("connection refused", e);
        }
        if (cause instanceof SSLException e) {
            return new DirectoryException(Kind.UNREACHABLE, "cannot make a secure connection to the directory at " + base
                    + ": " + e.getMessage() + " (for a private CA pass --server-ca FILE)", e);
        }
        if (cause instanceof IOException e) {
            return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
        return unreachable(String.valueOf(cause), cause instanceof Exception e ? e : null);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private DirectoryException unreachable(String reason, Exception cause) {
        return new DirectoryException(Kind.UNREACHABLE, "cannot reach the directory at " + base + ": " + reason, cause);
    }

    private JsonNode problem(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null || !node.isObject() ? json.createObjectNode() : node;
        } catch (JacksonException e) {
            return json.createObjectNode();
        }
    }

    private DirectoryException failure(int status, JsonNode problem, Operation operation, String subject,
                                       String retryAfter) {
        String detail = problem.path("detail").asString("");
        switch (status) {
            case 400:
                List<String> fields = new ArrayList<>();
                for (JsonNode error : problem.path("errors")) {
                    fields.add(error.path("field").asString("") + " " + error.path("message").asString(""));
                }
                return new DirectoryException(Kind.INVALID, fields.isEmpty() ? "invalid request: " + detail
                        : "invalid " + String.join("; ", fields));
            case 401:
                if (operation == Operation.LOGIN) {
                    return new DirectoryException(Kind.BAD_CREDENTIALS, "wrong username or password");
                }
                return new DirectoryException(Kind.UNAUTHORIZED,
                        "not logged in, or the session expired or was revoked: run 'p2pchat login'");
            case 404:
                if (operation == Operation.LOOKUP) {
                    return new DirectoryException(Kind.NOT_FOUND, "no such user '" + subject + "'");
                }
                return new DirectoryException(Kind.SERVER, "the directory at " + base + " does not know this call (HTTP 404); is --server right?");
            case 409:
                if (operation == Operation.ROTATE) {
                    return new DirectoryException(Kind.INVALID, "the directory already has this key as the current one");
                }
                return new DirectoryException(Kind.TAKEN, "the username '" + subject + "' is taken");
            case 423: {
                String until = problem.path("lockedUntil").asString(null);
                String when = "";
                if (until != null) {
                    try {
                        Instant instant = Instant.parse(until);
                        when = "; try again after " + LOCAL_TIME.format(instant.atZone(ZoneId.systemDefault()));
                    } catch (RuntimeException ignored) {
                        // leave the time out
                    }
                }
                return new DirectoryException(Kind.LOCKED, "account locked after too many failed logins" + when);
            }
            case 429: {
                String when = retryAfter != null && retryAfter.matches("\\d{1,6}") ? " in " + retryAfter + " s" : " later";
                if (operation == Operation.PUBLISH) {
                    return new DirectoryException(Kind.BUSY, "the directory takes no more presence renewals"
                            + " from your account for now; try again" + when);
                }
                if ("/problems/too-many-key-events".equals(problem.path("type").asString(""))) {
                    return new DirectoryException(Kind.BUSY, "your identity key changed five times in the last 24 hours,"
                            + " the most the directory records; log in with the key it has, or try again" + when);
                }
                return new DirectoryException(Kind.BUSY, "the directory takes no more "
                        + (operation == Operation.REGISTER ? "new accounts" : operation == Operation.LOGIN
                        ? "failed logins" : "requests") + " from your address for now; try again" + when);
            }
            case 503:
                return new DirectoryException(Kind.BUSY, "the directory is busy; try again in a moment");
            default:
                return new DirectoryException(Kind.SERVER, "the directory failed (HTTP " + status + ")"
                        + (detail.isEmpty() ? "" : ": " + detail));
        }
    }
}
