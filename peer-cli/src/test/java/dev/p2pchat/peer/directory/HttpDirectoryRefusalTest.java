package dev.p2pchat.peer.directory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A directory's 429 on a presence renewal, as the user is told it, whatever problem the directory claims. */
class HttpDirectoryRefusalTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpDirectory refusing(String retryAfter, String problemType) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"type\":\"" + problemType + "\",\"status\":429}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
            exchange.sendResponseHeaders(429, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new HttpDirectory(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null);
    }

    @Test
    void aRefusedRenewalIsTheAccountsRenewalBudgetWithTheWaitTheDirectoryGave() throws Exception {
        HttpDirectory directory = refusing("3", "/problems/too-many-requests");

        assertThatThrownBy(() -> directory.publish("t".repeat(43), 7000, List.of()))
                .isInstanceOf(DirectoryException.class)
                .hasMessage("the directory takes no more presence renewals from your account for now; try again in 3 s")
                .extracting(e -> ((DirectoryException) e).kind()).isEqualTo(DirectoryException.Kind.BUSY);
    }

    @Test
    void aRenewalRefusedAsIfForKeyChangesIsStillARenewalAndAnOddWaitIsNotRepeated() throws Exception {
        HttpDirectory directory = refusing("\u001b[2J99999999", "/problems/too-many-key-events");

        assertThatThrownBy(() -> directory.publish("t".repeat(43), 7000, List.of()))
                .hasMessage("the directory takes no more presence renewals from your account for now; try again later");
    }
}
