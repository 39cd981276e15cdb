package dev.p2pchat.peer.protocol;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes {@code p2pchat/1} frames to a stream.
 *
 * <p>FILE_DATA is written without copying: the header and id from a small reused array, then
 * the chunk straight from the frame's buffer. Each frame is two or three {@code write} calls,
 * so give the writer a buffered stream (a {@code BufferedOutputStream} over the socket).
 *
 * <p>{@link #write} does not flush: the caller decides when bytes must leave (after a CHAT, a
 * control frame, or a batch of FILE_DATA); {@link #writeAndFlush} does both.
 *
 * <p><b>Not thread-safe.</b> Frames from two threads would interleave their bytes; the session
 * layer owns a single writer thread per connection, which also interleaves chat with file
 * chunks.
 */
public final class FrameWriter implements Flushable {

    private final OutputStream out;
    /** The header, plus the 4-byte id of a FILE_DATA frame. */
    private final byte[] header = new byte[Frames.HEADER_BYTES + 4];

    public FrameWriter(OutputStream out) {
        if (out == null) {
            throw new IllegalArgumentException("output stream must not be null");
        }
        this.out = out;
    }

    /** Writes one frame, without flushing. */
    public void write(Frame frame) throws IOException {
        if (frame == null) {
            throw new IllegalArgumentException("frame must not be null");
        }
        if (frame instanceof Frame.FileData data) {
            putHeader(FrameType.FILE_DATA, 4 + data.length());
            putU32(Frames.HEADER_BYTES, data.id());
            out.write(header, 0, Frames.HEADER_BYTES + 4);
            out.write(data.buffer(), data.offset(), data.length());
            return;
        }
        FrameType type = frame.type();
        byte[] payload = FrameCodec.encode(frame);
        if (payload.length > type.maxPayload()) {
            // the records bound every field so that this cannot happen
            throw new IllegalStateException(
                    type + " payload of " + payload.length + " bytes exceeds " + type.maxPayload());
        }
        putHeader(type, payload.length);
        out.write(header, 0, Frames.HEADER_BYTES);
        out.write(payload);
    }

    /** Writes one frame and flushes the stream. */
    public void writeAndFlush(Frame frame) throws IOException {
        write(frame);
        flush();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    private void putHeader(FrameType type, int length) {
        header[0] = (byte) type.code();
        putU32(1, length);
    }

    private void putU32(int at, long value) {
        header[at] = (byte) (value >>> 24);
        header[at + 1] = (byte) (value >>> 16);
        header[at + 2] = (byte) (value >>> 8);
        header[at + 3] = (byte) value;
    }
}
