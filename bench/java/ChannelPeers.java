import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Simulated listeners for bench/presence.sh's channel round: each of the seeded users
 * {@code user1..userN} (bearer tokens as {@code Seed --tokens} made them) publishes its presence
 * once ({@code PUT /api/v1/presence}) and opens a listening signalling channel, as
 * {@code p2pchat listen} does, then only holds it: the JDK's WebSocket answers the directory's
 * pings by itself, which is all the renewal there is while the channel is open. Connections go to
 * {@code 127.0.0.1 .. 127.0.0.K} in turn, so that N can exceed the ephemeral ports of one
 * address pair.
 *
 * <p>Prints {@code OPENED n failed f seconds s} when every user has tried once, then
 * {@code OPEN n} (channels still open) and {@code REPUBLISH n} (asked to publish again, so far)
 * every 5 s until killed.
 *
 * <p>Usage: {@code ChannelPeers --port P --users N [--hosts K] [--parallel C]}
 */
public final class ChannelPeers {

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int port = Integer.parseInt(args.get("port"));
        int users = Integer.parseInt(args.get("users"));
        int hosts = BenchSupport.intArg(args, "hosts", 1);
        Semaphore inFlight = new Semaphore(BenchSupport.intArg(args, "parallel", 128));
        ExecutorService callbacks = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(30)).build();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger republish = new AtomicInteger();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                if (data.toString().contains("\"republish\"")) {
                    republish.incrementAndGet();
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                open.decrementAndGet();
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                open.decrementAndGet();
            }
        };

        long started = System.nanoTime();
        CompletableFuture<?>[] all = new CompletableFuture<?>[users];
        for (int user = 1; user <= users; user++) {
            inFlight.acquire();
            String host = "127.0.0." + (1 + user % hosts);
            String bearer = "Bearer " + String.format("benchtoken%033d", user);
            HttpRequest publish = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/api/v1/presence"))
                    .header("Authorization", bearer).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"port\":" + (20000 + user % 40000) + "}"))
                    .timeout(Duration.ofSeconds(60)).build();
            all[user - 1] = http.sendAsync(publish, HttpResponse.BodyHandlers.discarding())
                    .thenCompose(answer -> {
                        if (answer.statusCode() != 200) {
                            throw new IllegalStateException("PUT answered " + answer.statusCode());
                        }
                        return http.newWebSocketBuilder().header("Authorization", bearer)
                                .connectTimeout(Duration.ofSeconds(60))
                                .buildAsync(URI.create("ws://" + host + ":" + port + "/api/v1/signal?listen=true"), listener);
                    })
                    .whenComplete((socket, error) -> {
                        if (error == null) {
                            open.incrementAndGet();
                        } else if (failed.getAndIncrement() < 5) {
                            System.err.println("a channel failed: " + error);
                        }
                        inFlight.release();
                    });
        }
        CompletableFuture.allOf(all).exceptionally(error -> null).join();
        System.out.printf("OPENED %d failed %d seconds %.1f%n", open.get(), failed.get(),
                (System.nanoTime() - started) / 1e9);
        System.out.flush();
        while (true) {
            Thread.sleep(5_000);
            System.out.printf("OPEN %d REPUBLISH %d%n", open.get(), republish.get());
            System.out.flush();
        }
    }
}
