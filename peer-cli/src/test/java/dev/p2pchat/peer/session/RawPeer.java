package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * The other end of a session, driven by hand through the codec: it writes whatever frames (or
 * raw bytes) a test wants and reads what the session answers. Reads give up after
 * {@link Recorder#WAIT}, so a session that stays silent fails the test instead of hanging it.
 */
final class RawPeer {

    final Harness.End end;
    final FrameReader reader;
    final FrameWriter writer;

    RawPeer(Harness.End end) {
        this.end = end;
        this.reader = new FrameReader(end.in());
        this.writer = new FrameWriter(end.out());
        end.inPipe().readTimeout(Recorder.WAIT);
    }

    void send(Frame frame) throws IOException {
        writer.writeAndFlush(frame);
    }

    void sendRaw(byte[] bytes) throws IOException {
        end.out().write(bytes);
        end.out().flush();
    }

    /** The next frame, or null at the end of the stream. A FILE_DATA is copied out of the reader's buffer. */
    Frame next() throws IOException {
        Frame frame = reader.read();
        if (frame instanceof Frame.FileData data) {
            return new Frame.FileData(data.id(), data.toByteArray());
        }
        return frame;
    }

    /** The next frame, or null when the stream ended, cleanly or with a reset. */
    Frame nextOrEnd() throws IOException {
        try {
            return next();
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            if (end.inPipe().readerClosed()) {
                throw e;
            }
            return null;
        }
    }

    /** The next frame that is not a PING or PONG (answering nothing), of the type expected. */
    <T extends Frame> T expect(Class<T> type) throws IOException {
        Frame frame;
        do {
            frame = next();
        } while (!type.isInstance(frame) && (frame instanceof Frame.Ping || frame instanceof Frame.Pong));
        if (!type.isInstance(frame)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + frame);
        }
        return type.cast(frame);
    }

    /** Reads FILE_DATA frames of {@code id} until its FILE_END; returns the bytes and the END. */
    Received receiveFile(long id) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            Frame frame = next();
            if (frame instanceof Frame.FileData data && data.id() == id) {
                bytes.writeBytes(data.toByteArray());
            } else if (frame instanceof Frame.FileEnd end && end.id() == id) {
                return new Received(bytes.toByteArray(), end);
            } else if (!(frame instanceof Frame.Ping || frame instanceof Frame.Pong)) {
                throw new AssertionError("expected FILE_DATA or FILE_END for id " + id + ", got " + frame);
            }
        }
    }

    record Received(byte[] bytes, Frame.FileEnd end) {
    }

    /** Offers {@code content} as {@code name}, waits for FILE_ACCEPT from 0, sends it all and FILE_END with {@code sha256}. */
    Frame.FileAccept sendFile(long id, String name, byte[] content, String sha256) throws IOException {
        send(new Frame.FileOffer(id, name, content.length));
        Frame.FileAccept accept = expect(Frame.FileAccept.class);
        if (accept.id() != id) {
            throw new AssertionError("FILE_ACCEPT for id " + accept.id() + ", expected " + id);
        }
        if (content.length > 0) {
            send(new Frame.FileData(id, content));
        }
        send(new Frame.FileEnd(id, sha256));
        return accept;
    }

    /** The session's ERROR, after which it must close the connection; we close ours too, as a peer does. */
    Frame.Error expectErrorThenEnd() throws IOException {
        Frame.Error error = expect(Frame.Error.class);
        expectEnd();
        closeOutput();
        return error;
    }

    /** The session's ERROR, skipping the file data it was still sending; then the end. */
    Frame.Error expectErrorSkippingData() throws IOException {
        while (true) {
            Frame frame = next();
            if (frame instanceof Frame.Error error) {
                expectEnd();
                closeOutput();
                return error;
            }
            if (!(frame instanceof Frame.FileData || frame instanceof Frame.FileEnd || frame instanceof Frame.Ping
                    || frame instanceof Frame.Pong)) {
                throw new AssertionError("expected ERROR, got " + frame);
            }
        }
    }

    /** The stream ends (cleanly or with a reset) with no further frame. */
    void expectEnd() throws IOException {
        try {
            Frame frame;
            do {
                frame = next();
            } while (frame instanceof Frame.Ping || frame instanceof Frame.Pong);
            if (frame != null) {
                throw new AssertionError("expected the end of the stream, got " + frame);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the session did not close the connection", e);
        } catch (IOException e) {
            if (end.inPipe().readerClosed()) {
                throw e;
            }
            // a reset is an end too
        }
    }

    /** Says we send nothing more: the session reads the end of the stream. */
    void closeOutput() {
        end.outPipe().closeWriter();
    }

    void readTimeout(Duration timeout) {
        end.inPipe().readTimeout(timeout);
    }
}
