package dev.p2pchat.directory.signal;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.directory.ContractClient;
import dev.p2pchat.directory.relay.RelayOffers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/** Two peers meet through the real signalling channel (JDK WebSocket client) and at the real relay. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SignalChannelTest {

    private static final String ATTEMPT = "AAAAAAAAAAAAAAAAAAAAAA";

    @LocalServerPort
    int port;

    @Autowired
    RelayOffers relays;

    @Autowired
    org.springframework.boot.web.server.context.WebServerApplicationContext context;

    @Autowired
    SignalProperties settings;

    private ContractClient api;
    private String alice;
    private String bob;
    private String aliceToken;
    private String bobToken;

    @BeforeEach
    void twoUsers() {
        api = new ContractClient(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        alice = "alice-" + suffix;
        bob = "bob-" + suffix;
        aliceToken = registerAndLogIn(alice);
        bobToken = registerAndLogIn(bob);
    }

    private String registerAndLogIn(String name) {
        api.post("/api/v1/accounts", null, json(Map.of("username", name, "password", "a good password")));
        return api.post("/api/v1/sessions", null, json(Map.of("username", name, "password", "a good password")))
                .body().get("token").asString();
    }

    private static Map<String, Object> message(String type, String to, String attempt, Object... members) {
        java.util.LinkedHashMap<String, Object> message = new java.util.LinkedHashMap<>();
        message.put("type", type);
        message.put("to", to);
        message.put("attempt", attempt);
        for (int i = 0; i < members.length; i += 2) {
            message.put((String) members[i], members[i + 1]);
        }
        return message;
    }

    @Test
    void twoUsersMeetThroughTheDirectoryAndAtTheRelay() throws Exception {
        try (SignalClient listener = SignalClient.listening(port, bobToken);
             SignalClient dialer = SignalClient.dialing(port, aliceToken)) {
            JsonNode welcome = listener.next();
            assertThat(welcome.get("type").asString()).isEqualTo("welcome");
            assertThat(welcome.get("username").asString()).isEqualTo(bob);
            assertThat(welcome.get("relay").get("host").isNull()).as("the host the peer reached us at").isTrue();
            assertThat(welcome.get("relay").get("port").asInt()).isEqualTo(relays.point().port());
            assertThat(dialer.next().get("username").asString()).isEqualTo(alice);
            assertThat(api.get("/api/v1/peers/" + bob, aliceToken).body().get("signal").asBoolean()).isTrue();
            assertThat(api.get("/api/v1/peers/" + alice, bobToken).body().get("signal").asBoolean())
                    .as("alice's channel does not listen").isFalse();

            dialer.send(message("connect", bob.toUpperCase(), ATTEMPT, "addresses",
                    List.of(Map.of("host", "203.0.113.5", "port", 40000, "kind", "observed")),
                    "from", "mallory", "extra", Map.of("x", 1)));
            JsonNode connect = listener.next();
            assertThat(connect.get("type").asString()).isEqualTo("connect");
            assertThat(connect.get("from").asString()).as("the server sets from").isEqualTo(alice);
            assertThat(connect.get("attempt").asString()).isEqualTo(ATTEMPT);
            assertThat(connect.get("addresses").get(0).get("host").asString()).isEqualTo("203.0.113.5");
            assertThat(connect.has("to")).isFalse();
            assertThat(connect.has("extra")).as("unknown members are not forwarded").isFalse();

            listener.send(message("accept", alice, ATTEMPT, "addresses",
                    List.of(Map.of("host", "198.51.100.9", "port", 7000, "kind", "observed"))));
            JsonNode accept = dialer.next();
            assertThat(accept.get("type").asString()).isEqualTo("accept");
            assertThat(accept.get("from").asString()).isEqualTo(bob);

            dialer.send(message("ping", bob, ATTEMPT, "n", 1));
            assertThat(listener.next().get("n").asInt()).isEqualTo(1);
            listener.send(message("pong", alice, ATTEMPT, "n", 1));
            assertThat(dialer.next().get("type").asString()).isEqualTo("pong");

            dialer.send(message("relay", bob, ATTEMPT));
            JsonNode dialerOffer = dialer.next();
            JsonNode listenerOffer = listener.next();
            assertThat(dialerOffer.get("type").asString()).isEqualTo("relay-offer");
            assertThat(dialerOffer.get("role").asString()).isEqualTo("dialer");
            assertThat(listenerOffer.get("role").asString()).isEqualTo("listener");
            assertThat(listenerOffer.get("from").asString()).isEqualTo(alice);
            assertThat(dialerOffer.get("token").asString()).isEqualTo(listenerOffer.get("token").asString());
            assertThat(dialerOffer.get("relay").get("port").asInt()).isEqualTo(relays.point().port());
            dialer.send(message("relay", bob, ATTEMPT));
            assertThat(dialer.next().get("token").asString()).as("a second relay gets the same token")
                    .isEqualTo(dialerOffer.get("token").asString());
            assertThat(listener.next().get("token").asString()).isEqualTo(dialerOffer.get("token").asString());

            String token = dialerOffer.get("token").asString();
            try (Socket a = join(token, "dialer")) {
                await().atMost(Duration.ofSeconds(5)).until(() -> a.getInputStream().available() == 0); // waiting
                try (Socket b = join(token, "listener")) {
                    assertThat(line(b)).isEqualTo("ok");
                    assertThat(line(a)).isEqualTo("ok");
                    a.getOutputStream().write("through the relay".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(b.getInputStream().readNBytes(17), StandardCharsets.US_ASCII))
                            .isEqualTo("through the relay");
                }
            }

            dialer.send(message("done", bob, ATTEMPT, "path", "relayed"));
            assertThat(listener.next().get("path").asString()).isEqualTo("relayed");
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                !api.get("/api/v1/peers/" + bob, aliceToken).body().get("signal").asBoolean());
    }

    private Socket join(String token, String role) throws IOException {
        Socket socket = new Socket("127.0.0.1", relays.point().port());
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("p2pchat-relay/1 join " + token + " " + role + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private static String line(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void anUpgradeWithoutAValidTokenIs401AndNothingIsUpgraded() {
        for (String token : new String[] {null, "not-a-token", "A".repeat(43)}) {
            Throwable failure = catchThrowable(() -> SignalClient.dialing(port, token));
            assertThat(failure).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aListenParameterThatIsNotABooleanIs400() {
        Throwable failure = catchThrowable(() -> SignalClient.open(port, aliceToken, "?listen=yes"));
        assertThat(((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode()).isEqualTo(400);
    }

    @Test
    void aConnectToSomeoneWithoutAListeningChannelIsOffline() throws Exception {
        try (SignalClient dialer = SignalClient.dialing(port, aliceToken);
             SignalClient notListening = SignalClient.dialing(port, bobToken)) {
            dialer.next();
            dialer.send(message("connect", bob, ATTEMPT, "addresses", List.of()));

            JsonNode error = dialer.next();
            assertThat(error.get("type").asString()).isEqualTo("error");
            assertThat(error.get("reason").asString()).isEqualTo("offline");
            assertThat(error.get("attempt").asString()).isEqualTo(ATTEMPT);
        }
    }

    @Test
    void nobodyCanSendIntoAnAttemptTheyAreNotPartOf() throws Exception {
        String carolToken = registerAndLogIn("carol-" + UUID.randomUUID().toString().substring(0, 8));
        try (SignalClient listener = SignalClient.listening(port, bobToken);
             SignalClient dialer = SignalClient.dialing(port, aliceToken);
             SignalClient carol = SignalClient.listening(port, carolToken)) {
            listener.next();
            dialer.next();
            carol.next();
            dialer.send(message("connect", bob, ATTEMPT, "addresses", List.of()));
            listener.next();

            carol.send(message("accept", alice, ATTEMPT, "addresses", List.of()));
            carol.send(message("relay", alice, ATTEMPT));
            listener.send(message("sync", alice, ATTEMPT, "n", 1)); // sync is the dialer's

            assertThat(carol.next().get("reason").asString()).isEqualTo("unknown-attempt");
            assertThat(carol.next().get("reason").asString()).isEqualTo("unknown-attempt");
            assertThat(listener.next().get("reason").asString()).isEqualTo("unknown-attempt");
            assertThat(dialer.silentFor(300)).as("nothing reached the dialer").isTrue();
        }
    }

    @Test
    void threeInvalidFramesCloseTheChannelWithPolicyViolation() throws Exception {
        try (SignalClient client = SignalClient.dialing(port, aliceToken)) {
            client.next();
            client.send("not json");
            client.send("{\"type\":\"welcome\"}");
            client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();

            for (int i = 0; i < 3; i++) {
                assertThat(client.next().get("reason").asString()).isEqualTo("invalid");
            }
            assertThat(client.closeCode()).isEqualTo(1008);
        }
    }

    /** The container hands over text in parts of its buffer's size; the handler joins them. */
    @Test
    void aFrameLongerThanTheContainersBufferArrivesWhole() throws Exception {
        try (SignalClient listener = SignalClient.listening(port, bobToken);
             SignalClient dialer = SignalClient.dialing(port, aliceToken)) {
            listener.next();
            dialer.next();
            String pad = "x".repeat(3 * SignalConfig.TEXT_BUFFER_CHARS);

            dialer.send(message("connect", bob, ATTEMPT, "addresses",
                    List.of(Map.of("host", "203.0.113.5", "port", 40000, "kind", "observed")), "pad", pad));
            dialer.send(message("sync", bob, ATTEMPT, "n", 1));

            JsonNode connect = listener.next();
            assertThat(connect.get("type").asString()).isEqualTo("connect");
            assertThat(connect.get("from").asString()).isEqualTo(alice);
            assertThat(connect.get("addresses").get(0).get("port").asInt()).isEqualTo(40000);
            assertThat(listener.next().get("type").asString()).as("the next frame, whole in one part").isEqualTo("sync");
        }
    }

    @Test
    void anOversizeFrameClosesTheChannelAtOnce() throws Exception {
        try (SignalClient client = SignalClient.dialing(port, aliceToken)) {
            client.next();
            client.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}");

            assertThat(client.next().get("reason").asString()).isEqualTo("invalid");
            assertThat(client.closeCode()).isEqualTo(1008);
        }
    }

    @Test
    void aFifthChannelReplacesTheOldest() throws Exception {
        SignalClient[] channels = new SignalClient[5];
        try {
            for (int i = 0; i < 5; i++) {
                channels[i] = SignalClient.dialing(port, aliceToken);
                channels[i].next();
            }
            assertThat(channels[0].closeCode()).isEqualTo(1008);
            assertThat(channels[1].closedWith).isNotDone();
        } finally {
            for (SignalClient channel : channels) {
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }

    @Test
    void loggingOutClosesTheChannelsOpenedWithThatTokenOnly() throws Exception {
        String secondToken = api.post("/api/v1/sessions", null,
                json(Map.of("username", alice, "password", "a good password"))).body().get("token").asString();
        try (SignalClient first = SignalClient.listening(port, aliceToken);
             SignalClient second = SignalClient.dialing(port, secondToken)) {
            first.next();
            second.next();

            assertThat(api.delete("/api/v1/sessions/current", aliceToken).status()).isEqualTo(204);

            assertThat(first.closeCode()).isEqualTo(1008);
            assertThat(second.silentFor(300)).isTrue();
            assertThat(second.closedWith).isNotDone();
            assertThat(api.get("/api/v1/peers/" + alice, bobToken).body().get("signal").asBoolean()).isFalse();
        }
    }

    /** Every channel is a connection: Tomcat's own default (8,192) would stop accepting before the channel bound. */
    @Test
    void theWebServerTakesMoreConnectionsThanAnInstanceMayHoldChannels() {
        var tomcat = (org.springframework.boot.tomcat.TomcatWebServer) context.getWebServer();
        Object maxConnections = tomcat.getTomcat().getConnector().getProperty("maxConnections");
        assertThat(Integer.parseInt(maxConnections.toString())).isGreaterThan(settings.maxChannels());
    }

    /** Every channel holds its connection's buffers for days: smaller than Tomcat's 8 KiB each. */
    @Test
    void eachConnectionHoldsSmallBuffers() {
        var tomcat = (org.springframework.boot.tomcat.TomcatWebServer) context.getWebServer();
        var connector = tomcat.getTomcat().getConnector();
        assertThat(Integer.parseInt(connector.getProperty("socket.appReadBufSize").toString())).isEqualTo(2048);
        assertThat(Integer.parseInt(connector.getProperty("socket.appWriteBufSize").toString())).isEqualTo(4096);
    }

    /**
     * Every browser offers permessage-deflate: granted, each channel would hold a zlib deflater and
     * inflater outside the heap, about ten times all the rest of what it holds.
     */
    @Test
    void noChannelIsGrantedCompression() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /api/v1/signal HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                    + "Authorization: Bearer " + aliceToken + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            for (String line = line(socket); !line.isBlank(); line = line(socket)) {
                head.append(line).append('\n');
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            assertThat(head.toString().toLowerCase()).doesNotContain("sec-websocket-extensions");
        }
    }
}
