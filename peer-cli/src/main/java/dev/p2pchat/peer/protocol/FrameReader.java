package dev.p2pchat.peer.protocol;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code p2pchat/1} frames from a stream.
 *
 * <p>Each frame's header is checked (known type, declared length within
 * {@link Frames#MAX_PAYLOAD} and within the type's {@link FrameType#maxPayload()}, then the
 * caller's {@link FrameLimits}, if stricter) before any payload buffer is allocated or a payload
 * byte is read. The reader asks the stream for
 * exactly the bytes of one frame and never reads ahead, so give it a buffered stream (a
 * {@code BufferedInputStream} over the socket) for speed.
 *
 * <p><b>FILE_DATA frames are views over one reused buffer.</b> The {@link Frame.FileData}
 * returned by {@link #read()} is valid only until the next call to {@code read()}, which
 * overwrites its bytes. This keeps a transfer of many gigabytes from allocating 1 MiB per
 * frame; the buffer is allocated on the first FILE_DATA frame and grows, up to 1 MiB, with
 * the largest frame seen.
 *
 * <p>Not thread-safe: one thread reads a connection. After a {@link ProtocolException} the
 * stream is no longer at a frame boundary; close the connection.
 */
public final class FrameReader {

    private final InputStream in;
    private final byte[] header = new byte[Frames.HEADER_BYTES];
    private byte[] dataBuffer = new byte[0];

    public FrameReader(InputStream in) {
        if (in == null) {
            throw new IllegalArgumentException("input stream must not be null");
        }
        this.in = in;
    }

    /**
     * Reads the next frame, of any type.
     *
     * @return the frame, or {@code null} when the stream ended cleanly at a frame boundary
     * @throws ProtocolException when the peer sent a malformed, oversized or truncated frame
     * @throws IOException when the stream fails
     */
    public Frame read() throws IOException {
        return read(FrameLimits.ANY);
    }

    /**
     * Reads the next frame, which must also be within {@code limits}: before HELLO, for instance,
     * {@link FrameLimits#HANDSHAKE}. A header outside them is refused before its payload is
     * allocated or read.
     *
     * @return the frame, or {@code null} when the stream ended cleanly at a frame boundary
     * @throws ProtocolException when the peer sent a malformed, oversized or truncated frame, or
     *                           one that {@code limits} do not accept
     * @throws IOException when the stream fails
     */
    public Frame read(FrameLimits limits) throws IOException {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        int got = readUpTo(header, Frames.HEADER_BYTES);
        if (got == 0) {
            return null;
        }
        if (got < Frames.HEADER_BYTES) {
            throw new ProtocolException("truncated frame header");
        }
        FrameType type = FrameType.of(header[0] & 0xff);
        long length = (header[1] & 0xffL) << 24 | (header[2] & 0xffL) << 16 | (header[3] & 0xffL) << 8 | (header[4] & 0xffL);
        if (length > Frames.MAX_PAYLOAD) {
            throw new ProtocolException("frame length " + length + " exceeds " + Frames.MAX_PAYLOAD);
        }
        if (length > type.maxPayload()) {
            throw new ProtocolException(type + " frame length " + length + " exceeds " + type.maxPayload());
        }
        limits.check(type, length);
        int len = (int) length;
        byte[] payload = type == FrameType.FILE_DATA ? dataBuffer(len) : new byte[len];
        got = readUpTo(payload, len);
        if (got < len) {
            throw new ProtocolException("truncated frame: expected " + len + " payload bytes, got " + got);
        }
        return FrameCodec.decode(type, payload, len);
    }

    /** The reused FILE_DATA buffer, grown (at most to MAX_PAYLOAD) to hold {@code len} bytes. */
    private byte[] dataBuffer(int len) {
        if (dataBuffer.length < len) {
            int grown = (int) Math.min(Frames.MAX_PAYLOAD, Math.max(len, 2L * dataBuffer.length));
            dataBuffer = new byte[grown];
        }
        return dataBuffer;
    }

    /** Reads until {@code len} bytes are in {@code buf} or the stream ends; returns the count. */
    private int readUpTo(byte[] buf, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(buf, total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
