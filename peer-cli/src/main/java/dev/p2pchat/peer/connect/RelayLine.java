package dev.p2pchat.peer.connect;

import dev.p2pchat.peer.directory.Hosts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two things a peer asks the relay (docs/PROTOCOL.md, "Relay and observe"), each one line:
 * {@code observe} (which public address and port does my connection come from?) and
 * {@code join TOKEN ROLE} (pair me with the other side of this attempt). Answers are read one
 * byte at a time up to the line end, so nothing that follows (TLS) is consumed.
 */
final class RelayLine {

    static final String VERSION = "p2pchat-relay/1";
    private static final int MAX_ANSWER = 128;
    private static final Pattern OBSERVED = Pattern.compile("observed ([0-9A-Fa-f:.]{2,45}) (\\d{1,5})");

    private RelayLine() {
    }

    /** A socket bound to {@code localPort} that may share it with the listener and other punch sockets. */
    static Socket sharing(int localPort) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReuseAddress(true);
            if (socket.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            socket.setTcpNoDelay(true);
            socket.bind(new InetSocketAddress(localPort));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Asks the relay from which address and port a connection leaving {@code localPort} arrives:
     * the NAT mapping a peer needs before it can punch from that port.
     */
    static InetSocketAddress observe(InetSocketAddress relay, int localPort, Duration timeout) throws IOException {
        try (Socket socket = sharing(localPort)) {
            socket.connect(relay, millis(timeout));
            socket.setSoTimeout(millis(timeout));
            write(socket, VERSION + " observe\n");
            String answer = readLine(socket.getInputStream());
            Matcher observed = OBSERVED.matcher(answer);
            if (!observed.matches()) {
                throw new IOException("the relay did not say where we come from");
            }
            int port = Integer.parseInt(observed.group(2));
            if (!Hosts.isIpLiteral(observed.group(1))) {
                throw new IOException("the relay answered an address that is not an IP address");
            }
            InetAddress address = InetAddress.getByName(observed.group(1)); // a literal: never looked up
            if (port < 1 || port > 65535) {
                throw new IOException("the relay answered an impossible port");
            }
            return new InetSocketAddress(address, port);
        }
    }

    /**
     * Joins the relay for an attempt; returns the connected socket once the other side has
     * joined too (the relay then copies bytes both ways), or fails with the relay's reason.
     */
    static Socket join(InetSocketAddress relay, String token, String role, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(relay, millis(timeout));
            socket.setSoTimeout(millis(timeout));
            write(socket, VERSION + " join " + token + " " + role + "\n");
            String answer = readLine(socket.getInputStream());
            if (!answer.equals("ok")) {
                throw new IOException("the relay refused: " + (answer.startsWith("error ")
                        ? answer.substring(6).replaceAll("[^a-z-]", "") : "an unexpected answer"));
            }
            socket.setSoTimeout(0);
            return socket;
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new IOException("the other side did not come to the relay in time", e);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void write(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the relay closed the connection" + (line.length() > 0 ? " mid-answer" : ""));
            }
            if (b == '\n') {
                return line.toString();
            }
            if (line.length() >= MAX_ANSWER || b < 0x20 || b > 0x7e) {
                throw new IOException("the relay sent a malformed answer");
            }
            line.append((char) b);
        }
    }

    private static int millis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }
}
