package dev.p2pchat.directory.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.directory.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The relay over real loopback sockets, speaking its line protocol byte for byte. */
class RelayServerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final RelayTokens tokens = new RelayTokens(RelayTokens.newSecret(), clock);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Socket> clients = new ArrayList<>();
    private RelayServer relay;

    private RelayServer start(int maxPerAddress, DataSize maxBytes) throws IOException {
        RelayProperties settings = new RelayProperties(true, true, 0, "127.0.0.1", null, null, null, 100, maxPerAddress,
                Duration.ofHours(1), maxBytes, DataSize.ofBytes(0));
        relay = new RelayServer(settings, tokens, registry, clock);
        relay.start();
        return relay;
    }

    private RelayServer start() throws IOException {
        return start(8, DataSize.ofGigabytes(1));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", relay.port());
        socket.setSoTimeout(5_000);
        clients.add(socket);
        return socket;
    }

    private Socket send(String text) throws IOException {
        Socket socket = connect();
        write(socket, text);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private Socket join(String token, String role) throws IOException {
        return send("p2pchat-relay/1 join " + token + " " + role + "\n");
    }

    private static String line(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return "EOF after '" + line.toString(StandardCharsets.US_ASCII) + "'";
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static String read(Socket socket, int count) throws IOException {
        return new String(socket.getInputStream().readNBytes(count), StandardCharsets.US_ASCII);
    }

    private static boolean atEnd(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    private double refusals(String reason) {
        return registry.get("p2pchat.relay.refusals").tag("reason", reason).counter().count();
    }

    private double spliced() {
        return registry.get("p2pchat.relay.sessions").counter().count();
    }

    private void awaitWaiting(int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.waiting() == count);
    }

    @Test
    void observeAnswersTheAddressAndPortTheConnectionCameFrom() throws IOException {
        start();
        Socket socket = new Socket();
        clients.add(socket);
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.connect(new InetSocketAddress("127.0.0.1", relay.port()));
        socket.setSoTimeout(5_000);
        write(socket, "p2pchat-relay/1 observe\n");

        assertThat(line(socket)).isEqualTo("observed 127.0.0.1 " + socket.getLocalPort());
        assertThat(atEnd(socket)).isTrue();
        assertThat(registry.get("p2pchat.relay.observes").counter().count()).isEqualTo(1);
    }

    @Test
    void bothRolesAreSplicedBothWaysAndAHalfCloseIsPassedOn() throws IOException {
        start();
        String token = tokens.mint();
        Socket dialer = join(token, "dialer");
        awaitWaiting(1);
        Socket listener = join(token, "listener");

        assertThat(line(listener)).isEqualTo("ok");
        assertThat(line(dialer)).isEqualTo("ok");
        write(dialer, "hello");
        assertThat(read(listener, 5)).isEqualTo("hello");
        write(listener, "world");
        assertThat(read(dialer, 5)).isEqualTo("world");
        assertThat(relay.active()).isEqualTo(1);

        dialer.shutdownOutput();
        assertThat(atEnd(listener)).as("the dialer's half-close reaches the listener").isTrue();
        write(listener, "still here");
        assertThat(read(dialer, 10)).as("the other direction stays open").isEqualTo("still here");
        listener.close();
        assertThat(atEnd(dialer)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.active() == 0);
        assertThat(spliced()).isEqualTo(1);
        assertThat(registry.get("p2pchat.relay.bytes").counter().count()).isEqualTo(20);
    }

    @Test
    void aReusedTokenIsRefusedAndNothingIsSpliced() throws IOException {
        start();
        String token = tokens.mint();
        Socket dialer = join(token, "dialer");
        awaitWaiting(1);
        Socket listener = join(token, "listener");
        assertThat(line(listener)).isEqualTo("ok");
        assertThat(line(dialer)).isEqualTo("ok");

        Socket again = join(token, "dialer");
        Socket againListener = join(token, "listener");

        assertThat(line(again)).isEqualTo("error role-taken");
        assertThat(atEnd(again)).isTrue();
        assertThat(line(againListener)).isEqualTo("error role-taken");
        assertThat(spliced()).isEqualTo(1);
        assertThat(refusals("role-taken")).isEqualTo(2);
    }

    @Test
    void theSameRoleTwiceIsRefusedAndTheFirstStillPairs() throws IOException {
        start();
        String token = tokens.mint();
        Socket first = join(token, "dialer");
        awaitWaiting(1);

        Socket second = join(token, "dialer");
        assertThat(line(second)).isEqualTo("error role-taken");
        assertThat(atEnd(second)).isTrue();

        Socket listener = join(token, "listener");
        assertThat(line(listener)).isEqualTo("ok");
        assertThat(line(first)).isEqualTo("ok");
        write(first, "x");
        assertThat(read(listener, 1)).isEqualTo("x");
    }

    @Test
    void anExpiredTokenIsRefused() throws IOException {
        start();
        String token = tokens.mint();
        clock.advance(Duration.ofSeconds(30));

        Socket dialer = join(token, "dialer");

        assertThat(line(dialer)).isEqualTo("error expired");
        assertThat(atEnd(dialer)).isTrue();
        assertThat(refusals("expired")).isEqualTo(1);
        assertThat(relay.waiting()).isZero();
    }

    @Test
    void aSideWaitingWhenItsTokenExpiresIsRefused() throws IOException {
        start();
        String token = tokens.mint();
        clock.advance(Duration.ofMillis(29_700));

        Socket dialer = join(token, "dialer");

        assertThat(line(dialer)).isEqualTo("error expired");
        assertThat(relay.waiting()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(line(join(token, "listener"))).isEqualTo("error expired");
        assertThat(spliced()).isZero();
    }

    @Test
    void junkFromTheWaitingSideBurnsTheTokenForBothAndNothingIsSpliced() throws IOException {
        start();
        String token = tokens.mint();
        Socket dialer = join(token, "dialer");
        awaitWaiting(1);

        write(dialer, "\u0016\u0003\u0001"); // a TLS ClientHello before "ok"

        assertThat(line(dialer)).isEqualTo("error junk");
        assertThat(atEnd(dialer)).isTrue();
        Socket listener = join(token, "listener");
        assertThat(line(listener)).as("the token is burnt").isEqualTo("error role-taken");
        assertThat(atEnd(listener)).isTrue();
        assertThat(spliced()).isZero();
        assertThat(refusals("junk")).isEqualTo(1);
    }

    @Test
    void junkSentWithTheJoinLineIsRefusedAndTheWaiterToo() throws IOException {
        start();
        String token = tokens.mint();
        Socket dialer = join(token, "dialer");
        awaitWaiting(1);

        Socket listener = send("p2pchat-relay/1 join " + token + " listener\n" + "early bytes");

        assertThat(line(listener)).isEqualTo("error junk");
        assertThat(line(dialer)).as("its partner spoiled the token").isEqualTo("error junk");
        assertThat(atEnd(dialer)).isTrue();
        assertThat(spliced()).isZero();
    }

    @Test
    void aBadTokenOrAMalformedLineIsRefused() throws IOException {
        start();
        String forged = new RelayTokens(RelayTokens.newSecret(), clock).mint();

        assertThat(line(join(forged, "dialer"))).isEqualTo("error bad-token");
        assertThat(line(send("GET / HTTP/1.1\r\n"))).isEqualTo("error junk");
        assertThat(line(send("p2pchat-relay/1 " + "x".repeat(300)))).as("over 256 bytes").isEqualTo("error junk");
        assertThat(line(send("p2pchat-relay/1 observe\u0000\n"))).isEqualTo("error junk");
        assertThat(relay.waiting()).isZero();
    }

    @Test
    void connectionsFromOneAddressAreBounded() throws IOException {
        start(2, DataSize.ofGigabytes(1));
        Socket one = connect();
        Socket two = connect();

        Socket three = connect();

        assertThat(line(three)).isEqualTo("error busy");
        assertThat(refusals("busy")).isEqualTo(1);
        one.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Socket again = send("p2pchat-relay/1 observe\n");
            assertThat(line(again)).startsWith("observed ");
        });
        assertThat(two.isClosed()).isFalse();
    }

    @Test
    void aSessionOverItsByteLimitIsCut() throws IOException {
        start(8, DataSize.ofBytes(1000));
        String token = tokens.mint();
        Socket dialer = join(token, "dialer");
        awaitWaiting(1);
        Socket listener = join(token, "listener");
        assertThat(line(listener)).isEqualTo("ok");
        assertThat(line(dialer)).isEqualTo("ok");

        write(dialer, "x".repeat(600));
        assertThat(read(listener, 600)).hasSize(600);
        write(dialer, "y".repeat(600));

        assertThat(listener.getInputStream().readAllBytes()).as("cut before the limit is passed").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.active() == 0);
    }
}
