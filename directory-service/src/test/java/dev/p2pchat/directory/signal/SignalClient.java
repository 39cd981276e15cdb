package dev.p2pchat.directory.signal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A signalling channel as a peer opens it, with the JDK's WebSocket client; for tests. */
public final class SignalClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final WebSocket socket;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closedWith = new CompletableFuture<>();

    private final boolean listening;

    private SignalClient(WebSocket socket, Listener listener, boolean listening) {
        this.socket = socket;
        this.listening = listening;
    }

    public static SignalClient open(int port, String token, String query) throws Exception {
        Listener listener = new Listener();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/v1/signal" + query), listener)
                .get(10, TimeUnit.SECONDS);
        SignalClient client = new SignalClient(socket, listener, query.contains("listen=true"));
        listener.client.complete(client);
        return client;
    }

    public static SignalClient listening(int port, String token) throws Exception {
        return open(port, token, "?listen=true");
    }

    public static SignalClient dialing(int port, String token) throws Exception {
        return open(port, token, "");
    }

    /**
     * The next message, or a failure after 5 s. On a listening channel a {@code republish} is
     * skipped: the directory sends one at a ping tick to a listener whose user has no presence to
     * keep, which none of these tests' listeners publish, so whether one comes depends on when the
     * tick falls. A dialing channel never gets one, and would fail here if it did.
     */
    public JsonNode next() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            String text = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (text == null) {
                throw new AssertionError("no message within 5 s");
            }
            JsonNode message = JSON.readTree(text);
            if (!(listening && "republish".equals(message.path("type").asString("")))) {
                return message;
            }
        }
    }

    /** The next message whose type is not {@code welcome}. */
    JsonNode nextAfterWelcome() throws InterruptedException {
        JsonNode message = next();
        return message.get("type").asString().equals("welcome") ? next() : message;
    }

    /** True when nothing arrives within {@code millis}. */
    boolean silentFor(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS) == null;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    public void send(java.util.Map<String, ?> message) {
        send(JSON.writeValueAsString(message));
    }

    public int closeCode() throws Exception {
        return closedWith.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<SignalClient> client = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                client.thenAccept(c -> c.received.add(text));
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            client.thenAccept(c -> c.closedWith.complete(statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            client.thenAccept(c -> c.closedWith.completeExceptionally(error));
        }
    }
}
