package dev.p2pchat.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.servlet.Filter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coverage-guided fuzz test of the REST API (Jazzer): one fuzzed request per run against the
 * real application (started once, in-memory H2, BCrypt cost 4), performed in-process through
 * MockMvc with the application's servlet filters. Whatever the method, path, query, headers
 * and body, the answer is never a 5xx other than 503 (busy), and every 4xx/5xx is an
 * {@code application/problem+json} object with {@code type}, {@code title} and {@code status}.
 *
 * <p>A {@link FuzzedDataProvider} builds each request, half the time as a well-formed call of
 * one of the API's operations with fuzzed field values (so that registrations, logins,
 * presence and lookups succeed often enough to be explored), otherwise from anything: method
 * from a fixed list, path from the API's templates with fuzzed segments and {@code limit} /
 * {@code after} queries, {@code Content-Type}, {@code Accept} and {@code Authorization} from
 * lists or fuzzed (a valid bearer token among them), body as fuzzed bytes or JSON-ish objects
 * with the API's field names. Requests no HTTP client could send through Tomcat are skipped.
 *
 * <p>The disabled tests at the end reproduce what the fuzzer found; until each is fixed, the
 * fuzz test steps around it so that fuzzing can go on.
 */
class DirectoryApiFuzzTest {

    private static final String BASE_PASSWORD = "fuzz base password";
    private static final String FINGERPRINT = "0123456789abcdef".repeat(4);

    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS};
    private static final String[] PATHS = {"/api/v1/accounts", "/api/v1/sessions", "/api/v1/sessions/current",
            "/api/v1/presence", "/api/v1/peers"};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json;charset=UTF-8",
            "application/json; charset=ISO-8859-1", "application/json;charset=UTF-16", "application/problem+json",
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
            "*/*", "application/*", "application/json;charset=nonsense", "application/json;q=x"};
    private static final String[] ACCEPTS = {"*/*", "application/json", "application/problem+json",
            "text/html", "text/plain", "application/xml", "application/yaml", "image/png;q=0.1, */*;q=0.01"};
    private static final String[] FIELDS = {"username", "password", "fingerprint", "port", "host"};

    private static ConfigurableApplicationContext app;
    private static MockMvc mvc;
    private static Path dataDir;
    private static String baseUsername;
    private static String baseToken;

    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Without {@code JAZZER_FUZZ}, only the committed inputs run, and Jazzer's bug-detector
     * hooks stay off: installing them retransforms every project class loaded so far, which
     * takes half a minute and, on JDK 17, drops their {@code -parameters} names (Spring MVC
     * binds path variables by them), breaking other tests in the same JVM.
     */
    @BeforeAll
    static void noHooksWhenNotFuzzing() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        if (fuzz == null || fuzz.isEmpty()) {
            System.getProperties().putIfAbsent("jazzer.hooks", "false");
        }
    }

    /**
     * Starts the application on the first run, not in {@code @BeforeAll}: Jazzer's agent is
     * installed just before the first run, and classes it has to retransform because they were
     * loaded before lose their {@code MethodParameters} (javac {@code -parameters}), which
     * Spring MVC needs to bind {@code @PathVariable} and {@code @RequestParam} by name.
     */
    private static synchronized void start() throws Exception {
        if (app != null) {
            return;
        }
        dataDir = Files.createTempDirectory("directory-fuzz");
        // arguments, not default properties: application.properties would override those
        app = new SpringApplicationBuilder(DirectoryApplication.class).run(
                "--server.port=0",
                "--management.server.port=0", "--directory.relay.port=0",
                "--spring.datasource.url=jdbc:h2:mem:fuzz-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--directory.data-dir=" + dataDir,
                "--directory.bcrypt.cost=4",
                // a renewal over budget is answered by the container's async timeout, which MockMvc has not
                "--directory.throttle.renewals=1000000",
                "--logging.level.root=WARN",
                "--logging.level.org.springframework.web=ERROR", // 405s and odd paths, thousands of them
                "--spring.main.banner-mode=off");
        List<Filter> filters = new ArrayList<>(app.getBeansOfType(Filter.class).values());
        filters.sort(AnnotationAwareOrderComparator.INSTANCE);
        mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) app)
                .addFilters(filters.toArray(Filter[]::new))
                .build();
        signIn();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (dataDir != null) {
            Files.deleteIfExists(dataDir);
        }
    }

    @DictionaryEntries({"\"username\"", "\"password\"", "\"fingerprint\"", "\"port\"", "\"host\"", "fuzz-base",
            "limit=", "after=", "Bearer ", "application/json", "0123456789abcdef", "65535", "65536", "::1",
            "127.0.0.1", "%2F", "%00", "..", "%"})
    @FuzzTest(maxDuration = "60s")
    void request(FuzzedDataProvider data) throws Exception {
        start();
        Call call = data.consumeBoolean() ? wellFormedCall(data) : anyCall(data);
        if (!acceptedByTomcat(call.uri())) {
            return; // Tomcat answers these itself, before the application
        }
        MockHttpServletRequest request;
        try {
            MockHttpServletRequestBuilder builder = MockMvcRequestBuilders.request(call.method(), new URI(call.uri()));
            if (call.contentType() != null) {
                builder.header(HttpHeaders.CONTENT_TYPE, call.contentType());
            }
            if (call.accept() != null) {
                builder.header(HttpHeaders.ACCEPT, call.accept());
            }
            if (call.authorization() != null) {
                builder.header(HttpHeaders.AUTHORIZATION, call.authorization());
            }
            if (call.body() != null) {
                builder.content(call.body());
            }
            request = builder.buildRequest(((WebApplicationContext) app).getServletContext());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return; // not a request an HTTP client could send
        }
        MockHttpServletResponse response = mvc.perform(servletContext -> request).andReturn().getResponse();

        assertProblemOnError(call.method(), call.uri(), response);
        if (response.getStatus() == 204 && call.uri().startsWith("/api/v1/sessions/current")
                && call.authorization() != null && call.authorization().contains(baseToken)) {
            signIn(); // the fuzzer logged the shared token out: get another one
        }
    }

    /** One request, before MockMvc sees it. */
    private record Call(HttpMethod method, String uri, String contentType, String accept, String authorization,
                        byte[] body) {
        static Call json(HttpMethod method, String uri, String authorization, String body) {
            return new Call(method, uri, MediaType.APPLICATION_JSON_VALUE, null, authorization,
                    body.getBytes(StandardCharsets.UTF_8));
        }

        static Call bare(HttpMethod method, String uri, String authorization) {
            return new Call(method, uri, null, null, authorization, null);
        }
    }

    private void assertProblemOnError(HttpMethod method, String uri, MockHttpServletResponse response)
            throws Exception {
        int status = response.getStatus();
        String what = method + " " + uri + " -> " + status + " " + response.getContentAsString(StandardCharsets.UTF_8);
        assertThat(status).as(what).isBetween(100, 599);
        if (status >= 500) {
            assertThat(status).as(what).isEqualTo(503);
        }
        if (status < 400 || method == HttpMethod.HEAD && response.getContentAsByteArray().length == 0) {
            return;
        }
        assertThat(response.getContentType()).as(what).isNotNull();
        assertThat(MediaType.parseMediaType(response.getContentType()).equalsTypeAndSubtype(
                MediaType.APPLICATION_PROBLEM_JSON)).as(what).isTrue();
        JsonNode problem = json.readTree(response.getContentAsByteArray());
        assertThat(problem.isObject()).as(what).isTrue();
        assertThat(problem.path("type").isString() && !problem.path("type").asString().isEmpty()).as(what).isTrue();
        assertThat(problem.path("title").isString() && !problem.path("title").asString().isEmpty()).as(what).isTrue();
        assertThat(problem.path("status").isInt() && problem.path("status").asInt() == status).as(what).isTrue();
        if (status == 503) {
            assertThat(problem.path("type").asString()).as(what).isEqualTo("/problems/busy");
        }
    }

    /** A call of one of the API's operations, as a client would make it, with fuzzed values. */
    private static Call wellFormedCall(FuzzedDataProvider data) {
        String bearer = data.consumeInt(0, 7) == 0 ? authorization(data) : "Bearer " + baseToken;
        return switch (data.consumeInt(0, 6)) {
            case 0 -> Call.json(HttpMethod.POST, "/api/v1/accounts", null,
                    object("username", username(data), "password", password(data)));
            case 1 -> Call.json(HttpMethod.POST, "/api/v1/sessions", null, object("username", username(data),
                    "password", password(data), "fingerprint", fingerprint(data)));
            case 2 -> Call.bare(HttpMethod.DELETE, "/api/v1/sessions/current", bearer);
            case 3 -> Call.json(HttpMethod.PUT, "/api/v1/presence", bearer,
                    object("port", port(data), "host", host(data)));
            case 4 -> Call.bare(HttpMethod.DELETE, "/api/v1/presence", bearer);
            case 5 -> Call.bare(HttpMethod.GET, "/api/v1/peers" + query(data), bearer);
            default -> Call.bare(HttpMethod.GET, "/api/v1/peers/" + encode(data.consumeBoolean() ? baseUsername
                    : validishName(data)), bearer);
        };
    }

    /** Anything: method, path, headers and body each fuzzed on their own. */
    private static Call anyCall(FuzzedDataProvider data) {
        HttpMethod method = data.pickValue(METHODS);
        String uri = path(data);
        String contentType = switch (data.consumeInt(0, 3)) {
            case 0 -> null;
            case 1 -> headerValue(data.consumeString(80));
            default -> data.pickValue(CONTENT_TYPES);
        };
        String accept = switch (data.consumeInt(0, 2)) {
            case 0 -> null;
            case 1 -> data.pickValue(ACCEPTS);
            default -> headerValue(data.consumeString(80));
        };
        return new Call(method, uri, contentType, accept, authorization(data), body(data));
    }

    private static String path(FuzzedDataProvider data) {
        StringBuilder uri = new StringBuilder();
        switch (data.consumeInt(0, 7)) {
            case 0, 1 -> uri.append("/api/v1/peers/").append(segment(data));
            case 2 -> uri.append("/api/v1/peers/").append(baseUsername);
            case 3 -> uri.append("/api/v1/").append(segment(data));
            case 4 -> uri.append(data.pickValue(PATHS)).append('/').append(segment(data));
            default -> uri.append(data.pickValue(PATHS));
        }
        return uri.append(query(data)).toString();
    }

    private static String query(FuzzedDataProvider data) {
        if (!data.consumeBoolean()) {
            return "";
        }
        StringBuilder query = new StringBuilder("?limit=")
                .append(data.consumeBoolean() ? Integer.toString(data.consumeInt(-1, 501)) : segment(data));
        if (data.consumeBoolean()) {
            query.append("&after=").append(data.consumeBoolean() ? encode(validishName(data)) : segment(data));
        }
        return query.toString();
    }

    /** A JSON object of the given members (name, JSON value); a null value leaves the member out. */
    private static String object(String... members) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < members.length; i += 2) {
            if (members[i + 1] != null) {
                out.append(out.length() > 1 ? "," : "").append(quote(members[i])).append(':').append(members[i + 1]);
            }
        }
        return out.append('}').toString();
    }

    private static String username(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> quote(baseUsername);
            case 1 -> quote(data.consumeString(40));
            case 2 -> oddValue(data);
            default -> quote(validishName(data));
        };
    }

    /** Mostly a name the API accepts: fuzzed characters mapped onto its alphabet. */
    private static String validishName(FuzzedDataProvider data) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
        StringBuilder name = new StringBuilder();
        data.consumeString(34).chars().forEach(c -> name.append(alphabet.charAt(c % alphabet.length())));
        return name.toString();
    }

    private static String password(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 4)) {
            case 0 -> quote(BASE_PASSWORD);
            case 1 -> oddValue(data);
            default -> quote(data.consumeString(80));
        };
    }

    private static String fingerprint(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> oddValue(data);
            case 1 -> quote(data.consumeString(70));
            default -> quote(FINGERPRINT);
        };
    }

    private static String port(FuzzedDataProvider data) {
        return data.consumeInt(0, 4) == 0 ? oddValue(data) : Integer.toString(data.consumeInt(-1, 70_000));
    }

    private static String host(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0, 1 -> null;
            case 2 -> oddValue(data);
            case 3, 4 -> quote(data.pickValue(new String[] {"127.0.0.1", "::1", "peer.example.org", "fe80::1%eth0",
                    "a".repeat(64) + ".org", "1.2.3.4.5", "-bad.org", "[::1]"}));
            default -> quote(data.consumeString(260));
        };
    }

    /** A JSON value of an unexpected kind, or no JSON at all. */
    private static String oddValue(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 4)) {
            case 0 -> "null";
            case 1 -> Boolean.toString(data.consumeBoolean());
            case 2 -> Long.toString(data.consumeLong());
            case 3 -> data.pickValue(new String[] {"1.5", "-0", "1e400", "65535", "65536", "0", "99999999999999999999",
                    "[]", "{}", "[\"a\"]", "\"\"", "\"\\u0000\"", "\"\\ud800\""});
            default -> data.consumeString(24);
        };
    }

    /**
     * False for a request target that Tomcat's connector answers with 400 itself, before the
     * application sees it (MockMvc has no connector, and Spring would see a path no real
     * request can have): characters outside visible ASCII, an encoded NUL, slash or backslash,
     * a bad %-escape, bytes that are not UTF-8, a ".." that climbs above the root.
     */
    private static boolean acceptedByTomcat(String uri) {
        if (!uri.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\')) {
            return false;
        }
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
                    || Character.digit(path.charAt(i + 2), 16) < 0) {
                return false;
            }
            int b = HexFormat.fromHexDigits(path, i + 1, i + 3);
            if (b == 0 || b == '/' || b == '\\') {
                return false;
            }
            bytes.write(b);
            i += 2;
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        int depth = 0;
        for (String segment : decoded.split("/")) {
            if (segment.equals("..") && --depth < 0) {
                return false;
            } else if (!segment.isEmpty() && !segment.equals(".") && !segment.equals("..")) {
                depth++;
            }
        }
        return true;
    }

    /** A fuzzed path segment or query value: percent-encoded UTF-8, or raw (may be no valid URI). */
    private static String segment(FuzzedDataProvider data) {
        boolean raw = data.consumeBoolean();
        String text = data.consumeString(64);
        return raw ? text : encode(text);
    }

    /** {@code text} percent-encoded as UTF-8, without the characters Tomcat refuses encoded. */
    private static String encode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == 0 || c == '/' || c == '\\') {
                continue; // see acceptedByTomcat
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format("%02X", c));
            }
        }
        return encoded.toString();
    }

    private static String authorization(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> null;
            case 1, 2 -> "Bearer " + baseToken;
            case 3 -> "Bearer " + headerValue(data.consumeString(64));
            case 4 -> data.pickValue(new String[] {"bearer  " + baseToken + " ", "Basic Zm9vOmJhcg==", "Bearer",
                    "Bearer " + baseToken.substring(1), "Bearer " + baseToken + "x", "Bearer " + baseToken.toUpperCase(Locale.ROOT)});
            default -> headerValue(data.consumeString(80));
        };
    }

    private static byte[] body(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 4)) {
            case 0 -> null;
            case 1 -> data.consumeBytes(512);
            case 2 -> ("{\"username\":\"x\",\"password\":\"" + "p".repeat(data.consumeInt(16_000, 17_000)) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            default -> jsonObject(data).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** An object with some of the API's fields (maybe repeated or misspelled) and fuzzed values. */
    private static String jsonObject(FuzzedDataProvider data) {
        StringBuilder out = new StringBuilder("{");
        int members = data.consumeInt(0, 6);
        for (int i = 0; i < members; i++) {
            String field = data.consumeInt(0, 9) == 0 ? data.consumeString(16) : data.pickValue(FIELDS);
            String value = switch (field) {
                case "username" -> username(data);
                case "password" -> password(data);
                case "fingerprint" -> fingerprint(data);
                case "port" -> port(data);
                default -> data.consumeBoolean() ? oddValue(data) : quote(data.consumeString(40));
            };
            out.append(i > 0 ? "," : "").append(quote(field)).append(':').append(value == null ? "null" : value);
        }
        return out.append(data.consumeBoolean() ? "}" : data.consumeString(8)).toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** What an HTTP client can put in a header: tab, visible ASCII, space and obs-text (Latin-1). */
    private static String headerValue(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append(c == '\t' || c >= 0x20 && c != 0x7f && c <= 0xff ? (char) c : '?'));
        return out.toString();
    }

    /**
     * The harness signs in from an address of its own: the fuzzer's requests come from MockMvc's
     * 127.0.0.1 and soon spend that address's registration and login budgets (the throttle doing
     * its job), which must not stop the harness from getting its account and token.
     */
    private static final RequestPostProcessor HARNESS_ADDRESS = request -> {
        request.setRemoteAddr("192.0.2.200");
        return request;
    };

    /** Registers the shared account on first use, then logs it in for a fresh token. */
    private static void signIn() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (baseUsername == null) {
                baseUsername = "fuzz-base-" + UUID.randomUUID().toString().substring(0, 8);
                String account = "{\"username\":\"" + baseUsername + "\",\"password\":\"" + BASE_PASSWORD + "\"}";
                int status = mvc.perform(MockMvcRequestBuilders.post("/api/v1/accounts").with(HARNESS_ADDRESS)
                        .contentType(MediaType.APPLICATION_JSON).content(account)).andReturn().getResponse().getStatus();
                assertThat(status).as("register %s", baseUsername).isEqualTo(201);
            }
            String login = "{\"username\":\"" + baseUsername + "\",\"password\":\"" + BASE_PASSWORD
                    + "\",\"fingerprint\":\"" + FINGERPRINT + "\"}";
            MockHttpServletResponse response = mvc.perform(MockMvcRequestBuilders.post("/api/v1/sessions").with(HARNESS_ADDRESS)
                    .contentType(MediaType.APPLICATION_JSON).content(login)).andReturn().getResponse();
            if (response.getStatus() == 201) {
                baseToken = JsonMapper.builder().build().readTree(response.getContentAsByteArray())
                        .get("token").asString();
                return;
            }
            baseUsername = null; // locked by the fuzzer's guesses: use a new account
        }
        throw new IllegalStateException("cannot log in the fuzzer's account");
    }

    // ---- What the fuzzer found: disabled reproducers, and how the fuzz test steps around them

    /**
     * Found by {@link #request}: an {@code Accept} header that is no media range makes every
     * error body-less. Over real HTTP too: {@code curl -H 'Accept: foo' .../api/v1/peers/x}
     * answers 401 with no Content-Type and no body, a bad body 400 likewise, and a lookup with
     * a valid token 406 with no body.
     */
    @Test
    void malformedAcceptHeaderStillGetsAProblem() throws Exception {
        start();
        MockHttpServletResponse response = mvc.perform(MockMvcRequestBuilders.get("/api/v1/peers/someone")
                .header(HttpHeaders.ACCEPT, "foo")).andReturn().getResponse();

        assertProblemOnError(HttpMethod.GET, "/api/v1/peers/someone", response);
        assertThat(response.getStatus()).isEqualTo(401);
    }

    /**
     * Found by {@link #request}: Spring's FormContentFilter parses the body of PUT, PATCH and
     * DELETE requests sent as {@code application/x-www-form-urlencoded}, on every path, and
     * throws on a bad %-escape before any handler runs; Tomcat and Boot's error page make it a
     * 500 in plain JSON, and ApiProblems logs nothing. The API takes no form bodies; turning the
     * filter off ({@code spring.mvc.formcontent.filter.enabled=false}) would likely fix it.
     */
    @Test
    void malformedFormBodyIsABadRequest() throws Exception {
        start();
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/presence"))
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_FORM_URLENCODED_VALUE)
                .PUT(HttpRequest.BodyPublishers.ofString("%2\"")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE)).hasValue("application/problem+json");
    }

    /**
     * Found by {@link #request}: a media type that starts with a double quote makes Spring
     * Framework 7.0.8's parser throw StringIndexOutOfBoundsException (spring-framework#36971, a
     * regression fixed in 7.0.9). {@code Accept: "application/xml"} is a 500 on every path, as
     * Tomcat's HTML page since Boot's error page fails on it too; {@code Content-Type:
     * "application/json"} on POST /api/v1/accounts a 500 problem.
     */
    @Test
    void quotedMediaTypeIsNoServerError() throws Exception {
        start();
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> accept = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/peers/someone"))
                .header(HttpHeaders.ACCEPT, "\"application/xml\"").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> contentType = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/accounts"))
                .header(HttpHeaders.CONTENT_TYPE, "\"application/json\"")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(accept.statusCode()).as(accept.body()).isLessThan(500);
        assertThat(contentType.statusCode()).as(contentType.body()).isLessThan(500);
    }
}
