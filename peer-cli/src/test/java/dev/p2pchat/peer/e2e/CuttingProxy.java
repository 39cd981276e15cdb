package dev.p2pchat.peer.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/** A TCP proxy on loopback that forwards one connection and cuts it (RST) after N bytes upstream. */
final class CuttingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicLong forwarded = new AtomicLong();

    CuttingProxy(int targetPort, long cutAfterBytes) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try (Socket client = server.accept(); Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                Thread down = pump(target.getInputStream(), client.getOutputStream(), Long.MAX_VALUE);
                pump(client.getInputStream(), target.getOutputStream(), cutAfterBytes).join();
                // cut: reset both connections instead of closing them politely
                client.setSoLinger(true, 0);
                target.setSoLinger(true, 0);
                down.interrupt();
            } catch (IOException | InterruptedException ignored) {
                // the test sees the effect on the peers
            }
        }, "cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    long forwarded() {
        return forwarded.get();
    }

    private Thread pump(InputStream in, OutputStream out, long limit) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            long sent = 0;
            try {
                int n;
                while (sent < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent))) > 0) {
                    out.write(buffer, 0, n);
                    sent += n;
                    forwarded.addAndGet(n);
                }
            } catch (IOException ignored) {
                // the other side went away
            }
        }, "cutting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
