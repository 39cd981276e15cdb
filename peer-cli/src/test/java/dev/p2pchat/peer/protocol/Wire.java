package dev.p2pchat.peer.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Test helpers: hex bytes, hand-built frames, write/read through the codec. */
final class Wire {

    private Wire() {
    }

    /** Bytes from hex with optional spaces: {@code "02 00 00 00 01 61"}. */
    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String toHex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    /** A frame of wire type {@code type} whose payload is {@code payload} in UTF-8, header built by hand. */
    static byte[] frame(int type, String payload) {
        return frame(type, payload.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] frame(int type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = payload.length;
        out.write(type);
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static byte[] write(Frame... frames) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(bytes);
        try {
            for (Frame frame : frames) {
                writer.write(frame);
            }
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads exactly one frame from {@code bytes} and checks that nothing follows it. */
    static Frame readOne(byte[] bytes) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
        Frame frame = reader.read();
        if (reader.read() != null) {
            throw new AssertionError("more than one frame in " + bytes.length + " bytes");
        }
        return frame;
    }

    static String sha256Of(char c) {
        return String.valueOf(c).repeat(64);
    }
}
