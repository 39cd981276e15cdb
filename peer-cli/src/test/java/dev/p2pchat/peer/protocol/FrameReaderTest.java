package dev.p2pchat.peer.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame.FileData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameReaderTest {

    @Test
    void readsManyFramesFromOneConcatenatedStream() throws IOException {
        List<Frame> sent = List.of(
                Frame.Hello.of("alice", "p2pchat/0.1.0"),
                new Frame.Chat("hello"),
                new Frame.FileOffer(1, "a.txt", 3),
                Frame.FileAccept.fromStart(1),
                new FileData(1, new byte[] {'a', 'b', 'c'}),
                new Frame.FileEnd(1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                new Frame.Chat("still here"),
                Frame.Ping.of(1),
                Frame.Ping.of(1).reply(),
                new Frame.FileResult(1, true, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                new Frame.Close("bye"));
        FrameReader reader = new FrameReader(new ByteArrayInputStream(Wire.write(sent.toArray(Frame[]::new))));

        List<Frame> received = new ArrayList<>();
        for (Frame f; (f = reader.read()) != null; ) {
            received.add(f instanceof FileData d ? new FileData(d.id(), d.toByteArray()) : f);
        }

        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void readsFramesSplitIntoOneByteReads() throws IOException {
        byte[] bytes = Wire.write(new Frame.Chat("trickle"), new FileData(7, new byte[] {9, 8, 7}), new Frame.Close(""));
        InputStream trickle = new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
        FrameReader reader = new FrameReader(trickle);

        assertThat(reader.read()).isEqualTo(new Frame.Chat("trickle"));
        assertThat(reader.read()).isEqualTo(new FileData(7, new byte[] {9, 8, 7}));
        assertThat(reader.read()).isEqualTo(new Frame.Close(""));
        assertThat(reader.read()).isNull();
    }

    @Test
    void fileDataViewsShareOneBufferThatTheNextReadOverwrites() throws IOException {
        byte[] first = {1, 1, 1, 1};
        byte[] second = {2, 2, 2, 2};
        FrameReader reader = new FrameReader(new ByteArrayInputStream(
                Wire.write(new FileData(1, first), new FileData(2, second))));

        FileData a = (FileData) reader.read();
        byte[] aCopy = a.toByteArray();
        FileData b = (FileData) reader.read();

        assertThat(aCopy).isEqualTo(first);
        assertThat(b.buffer()).isSameAs(a.buffer());
        assertThat(b.toByteArray()).isEqualTo(second);
        // the first view now shows the second frame's bytes: it was valid only until the next read()
        assertThat(a.toByteArray()).isEqualTo(second);
    }

    @Test
    void fileDataBufferGrowsOnlyToOneMebibyte() throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(Wire.write(
                new FileData(1, new byte[10]),
                new FileData(2, new byte[Frames.MAX_FILE_CHUNK]),
                new FileData(3, new byte[600_000]))));

        FileData small = (FileData) reader.read();
        assertThat(small.buffer().length).isLessThan(1024);
        FileData full = (FileData) reader.read();
        assertThat(full.buffer()).hasSize(Frames.MAX_PAYLOAD);
        FileData after = (FileData) reader.read();
        assertThat(after.buffer()).isSameAs(full.buffer());
    }

    @Test
    void manyFileDataFramesRoundTripByteExact() throws Exception {
        long total = 96L << 20; // 96 MiB through a pipe, never held in memory at once
        PipedInputStream pipeIn = new PipedInputStream(Frames.MAX_PAYLOAD);
        PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);

        CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> {
            try (OutputStream out = new BufferedOutputStream(pipeOut, 1 << 16)) {
                FrameWriter writer = new FrameWriter(out);
                MessageDigest sha = sha256();
                Random random = new Random(42);
                byte[] chunk = new byte[Frames.MAX_FILE_CHUNK];
                long left = total;
                boolean firstChunk = true;
                while (left > 0) {
                    int size = firstChunk ? chunk.length : (int) Math.min(left, random.nextInt(chunk.length + 1));
                    firstChunk = false;
                    random.nextBytes(chunk);
                    sha.update(chunk, 0, size);
                    writer.write(new FileData(7, chunk, 0, size));
                    left -= size;
                }
                writer.write(new Frame.Chat("done"));
                writer.flush();
                return sha.digest();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });

        FrameReader reader = new FrameReader(new BufferedInputStream(pipeIn, 1 << 16));
        MessageDigest sha = sha256();
        Set<byte[]> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
        long received = 0;
        int frames = 0;
        Frame f;
        while ((f = reader.read()) instanceof FileData d) {
            assertThat(d.id()).isEqualTo(7);
            sha.update(d.buffer(), d.offset(), d.length());
            buffers.add(d.buffer());
            received += d.length();
            frames++;
        }

        assertThat(f).isEqualTo(new Frame.Chat("done"));
        assertThat(reader.read()).isNull();
        assertThat(received).isEqualTo(total);
        assertThat(frames).isGreaterThan(96);
        assertThat(sha.digest()).isEqualTo(sent.get(30, TimeUnit.SECONDS));
        assertThat(buffers).as("one reused buffer for all FILE_DATA frames").hasSize(1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
