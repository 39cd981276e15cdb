package dev.p2pchat.peer.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A directory that goes silent without closing (a half-open connection: a sleeping laptop, a
 * NAT that dropped the mapping) is noticed: its channel stops answering our pings, and the
 * handler hears that the channel closed, so that the listener renews its presence itself again.
 */
class SignalChannelLivenessTest {

    private final ServerSocket server = newServer();
    private Socket accepted;

    private static ServerSocket newServer() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void close() throws IOException {
        server.close();
        if (accepted != null) {
            accepted.close();
        }
    }

    /** Upgrades one connection, sends a welcome that keeps presence, then reads and never answers. */
    private void silentDirectory() {
        Thread thread = new Thread(() -> {
            try {
                accepted = server.accept();
                InputStream in = accepted.getInputStream();
                String request = readHead(in);
                String key = request.lines().filter(line -> line.toLowerCase().startsWith("sec-websocket-key:"))
                        .findFirst().orElseThrow().substring("sec-websocket-key:".length()).trim();
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                OutputStream out = accepted.getOutputStream();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] welcome = "{\"type\":\"welcome\",\"username\":\"alice\",\"relay\":null,\"presence\":true}"
                        .getBytes(StandardCharsets.UTF_8);
                out.write(new byte[] {(byte) 0x81, (byte) welcome.length});
                out.write(welcome);
                out.flush();
                in.transferTo(OutputStream.nullOutputStream()); // pings arrive, nothing answers
            } catch (Exception e) {
                // the test ends the connection
            }
        }, "silent-directory");
        thread.setDaemon(true);
        thread.start();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /**
     * Repeated: the reason given must be ours even when our abort fails the ping still being sent,
     * which on a busy machine happens in about one run in four (and on an idle one almost never).
     */
    @RepeatedTest(25)
    void aDirectoryThatStopsAnsweringPingsClosesTheChannelAndTheHandlerHears() throws Exception {
        silentDirectory();
        CompletableFuture<String> closed = new CompletableFuture<>();
        SignalChannel channel = SignalChannel.open(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getLocalPort()), "token", true, new SignalChannel.Handler() {
                    @Override
                    public void onSignal(Signal signal) {
                    }

                    @Override
                    public void onClosed(String why) {
                        closed.complete(why);
                    }
                });
        assertThat(channel.keepsPresence()).isTrue();

        assertThat(channel.stillAnswering()).as("no ping sent yet: one goes out").isTrue();
        assertThat(channel.stillAnswering()).as("that ping was never answered").isFalse();

        assertThat(closed.get(5, TimeUnit.SECONDS)).contains("stopped answering");
        assertThat(channel.isOpen()).isFalse();
    }
}
