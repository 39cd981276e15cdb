import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The file-transfer baseline: a plain Java TLS 1.3 pipe (AES-128-GCM, the same EC P-256 keys as
 * p2pchat, mutual authentication) that moves a file from disk to disk, nothing else: no framing,
 * no hashing, no protocol. Same chunk size as p2pchat (256 KiB), the same end as p2pchat's
 * receiver (fsync, then a one-byte acknowledgement that the sender waits for).
 *
 * <pre>
 *   TlsPipe receive --home DIR --out FILE --port-file F [--fsync false]
 *                                                           (writes its port to F; fsync unless told not to)
 *   TlsPipe send    --home DIR --port N --file FILE
 * </pre>
 */
public final class TlsPipe {

    static final int CHUNK = 256 * 1024;

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        String mode = args.get("arg0");
        SSLContext context = BenchSupport.jsse(BenchSupport.identity(Path.of(args.get("home"))));
        if ("receive".equals(mode)) {
            receive(context, Path.of(args.get("out")), Path.of(args.get("port-file")),
                    !"false".equals(args.get("fsync")));
        } else if ("send".equals(mode)) {
            send(context, Integer.parseInt(args.get("port")), Path.of(args.get("file")));
        } else {
            throw new IllegalArgumentException("usage: TlsPipe receive|send ...");
        }
    }

    static void receive(SSLContext context, Path out, Path portFile, boolean fsync) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(server.getLocalPort()), StandardCharsets.US_ASCII);
            Files.move(tmp, portFile);
            try (Socket tcp = server.accept()) {
                tcp.setTcpNoDelay(true);
                SSLSocket tls = BenchSupport.server(context, tcp);
                tls.startHandshake();
                InputStream in = tls.getInputStream();
                long size = new DataInputStream(in).readLong();
                byte[] buffer = new byte[CHUNK];
                long left = size;
                try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    while (left > 0) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new IOException("sender went away with " + left + " bytes to go");
                        }
                        ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, n);
                        while (wrapped.hasRemaining()) {
                            channel.write(wrapped);
                        }
                        left -= n;
                    }
                    if (fsync) {
                        channel.force(true);
                    }
                }
                OutputStream ack = tls.getOutputStream();
                ack.write(1);
                ack.flush();
                tls.close();
            }
        }
    }

    static void send(SSLContext context, int port, Path file) throws IOException {
        try (Socket tcp = new Socket()) {
            tcp.setTcpNoDelay(true);
            tcp.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            SSLSocket tls = BenchSupport.client(context, tcp, "127.0.0.1", port);
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            long size = Files.size(file);
            DataOutputStream header = new DataOutputStream(out);
            header.writeLong(size);
            header.flush();
            byte[] buffer = new byte[CHUNK];
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer wrapped = ByteBuffer.wrap(buffer);
                while (true) {
                    wrapped.clear();
                    int n = channel.read(wrapped);
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                }
            }
            out.flush();
            if (tls.getInputStream().read() != 1) {
                throw new IOException("no acknowledgement from the receiver");
            }
            tls.close();
        }
    }
}
