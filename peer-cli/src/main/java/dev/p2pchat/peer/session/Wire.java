package dev.p2pchat.peer.session;

import dev.p2pchat.peer.transport.PeerConnection;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The byte streams a session runs over: a TLS connection in real use, in-memory pipes in tests.
 * Sessions never see sockets.
 */
public interface Wire extends Closeable {

    InputStream in();

    OutputStream out();

    /** Bounds a blocked read (used during the HELLO exchange); zero means none. */
    void setReadTimeout(Duration timeout) throws IOException;

    /**
     * Says we will send nothing more (TLS close_notify) but keeps reading, so the other side's
     * last frames still arrive; the reader then sees the end of the stream.
     */
    void shutdownOutput();

    /** Aborts the connection at once; unblocks a read in progress. Idempotent. */
    @Override
    void close();

    static Wire of(PeerConnection connection) {
        return new Wire() {
            @Override
            public InputStream in() {
                return connection.in();
            }

            @Override
            public OutputStream out() {
                return connection.out();
            }

            @Override
            public void setReadTimeout(Duration timeout) throws IOException {
                connection.setReadTimeout(timeout);
            }

            @Override
            public void shutdownOutput() {
                try {
                    connection.shutdownOutput();
                } catch (IOException e) {
                    connection.close();
                }
            }

            @Override
            public void close() {
                connection.close();
            }

            @Override
            public String toString() {
                return connection.toString();
            }
        };
    }

    /** Plain streams (tests): closing closes both. */
    static Wire of(InputStream in, OutputStream out) {
        return new Wire() {
            @Override
            public InputStream in() {
                return in;
            }

            @Override
            public OutputStream out() {
                return out;
            }

            @Override
            public void setReadTimeout(Duration timeout) {
                // pipes have no timeouts
            }

            @Override
            public void shutdownOutput() {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the reader will see the end anyway
                }
            }

            @Override
            public void close() {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        };
    }
}
