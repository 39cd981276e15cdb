package dev.p2pchat.peer.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A directory that starts an answer and stops: the whole exchange has one deadline. */
class HttpDirectoryDeadlineTest {

    private ServerSocket server;

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private URI stalling(String head) throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            try (Socket client = server.accept()) {
                client.getInputStream().read(new byte[4096]);
                OutputStream out = client.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(60_000);
            } catch (Exception closed) {
                // the test is over
            }
        }, "stalling-directory");
        thread.setDaemon(true);
        thread.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    @Test
    void headersThenSilenceFailWithinTheRequestDeadline() throws Exception {
        URI base = stalling("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"use");
        HttpDirectory directory = new HttpDirectory(base, null, Duration.ofMillis(800));
        long start = System.nanoTime();

        assertThatThrownBy(() -> directory.lookup("t".repeat(43), "alice"))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("no answer within 800 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anEndlessChunkedBodyIsCutAtOneMebibyte() throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            try (Socket client = server.accept()) {
                client.getInputStream().read(new byte[4096]);
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                while (true) {
                    out.write(chunk);
                }
            } catch (Exception closed) {
                // cut off, as it should be
            }
        }, "endless-directory");
        thread.setDaemon(true);
        thread.start();
        HttpDirectory directory = new HttpDirectory(URI.create("http://127.0.0.1:" + server.getLocalPort()), null,
                Duration.ofSeconds(10));

        assertThatThrownBy(() -> directory.lookup("t".repeat(43), "alice"))
                .hasMessageContaining("sent an answer over 1 MiB");
    }
}
