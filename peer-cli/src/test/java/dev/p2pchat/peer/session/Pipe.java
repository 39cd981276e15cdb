package dev.p2pchat.peer.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory connection: a bounded blocking byte buffer with the semantics of
 * a socket, unlike {@link java.io.PipedInputStream} (which ties itself to the threads that last
 * used it and does not wake a blocked reader on close).
 *
 * <ul>
 *   <li>closing the {@link #out()} side is a clean end: the reader drains what is buffered, then
 *       sees the end of the stream;</li>
 *   <li>closing the {@link #in()} side is an abort: a blocked read fails at once, and so does any
 *       later write ("connection reset");</li>
 *   <li>{@link #breakAfter(long)} makes the connection fail once that many bytes were written:
 *       the writer gets an IOException, the reader drains what made it through, then gets an
 *       IOException too (a reset, not an orderly end);</li>
 *   <li>{@link #readTimeout(Duration)} bounds a blocked read like SO_TIMEOUT
 *       ({@link SocketTimeoutException}).</li>
 * </ul>
 */
final class Pipe {

    static final int DEFAULT_CAPACITY = 1 << 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] ring;
    private int head;
    private int count;
    private boolean writerClosed;
    private boolean readerClosed;
    private boolean broken;
    private long written;
    private long breakAfter = Long.MAX_VALUE;
    private volatile long readTimeoutNanos;

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return Pipe.this.read(b, off, len);
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return count;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            closeReader();
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Pipe.this.write(b, off, len);
        }

        @Override
        public void close() {
            closeWriter();
        }
    };

    Pipe() {
        this(DEFAULT_CAPACITY);
    }

    Pipe(int capacity) {
        ring = new byte[capacity];
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /** The connection fails once {@code bytes} bytes in total have been written. */
    Pipe breakAfter(long bytes) {
        lock.lock();
        try {
            breakAfter = bytes;
        } finally {
            lock.unlock();
        }
        return this;
    }

    void readTimeout(Duration timeout) {
        readTimeoutNanos = timeout.toNanos();
    }

    long written() {
        lock.lock();
        try {
            return written;
        } finally {
            lock.unlock();
        }
    }

    boolean readerClosed() {
        lock.lock();
        try {
            return readerClosed;
        } finally {
            lock.unlock();
        }
    }

    boolean writerClosed() {
        lock.lock();
        try {
            return writerClosed;
        } finally {
            lock.unlock();
        }
    }

    void closeWriter() {
        lock.lock();
        try {
            writerClosed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void closeReader() {
        lock.lock();
        try {
            readerClosed = true;
            count = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            long timeout = readTimeoutNanos;
            long left = timeout;
            while (count == 0 && !writerClosed && !readerClosed && !broken) {
                if (timeout > 0) {
                    if (left <= 0) {
                        throw new SocketTimeoutException("Read timed out");
                    }
                    left = changed.awaitNanos(left);
                } else {
                    changed.await();
                }
            }
            if (readerClosed) {
                throw new IOException("Socket closed");
            }
            if (count == 0) {
                if (broken) {
                    throw new IOException("Connection reset");
                }
                return -1;
            }
            int n = Math.min(len, count);
            int first = Math.min(n, ring.length - head);
            System.arraycopy(ring, head, b, off, first);
            System.arraycopy(ring, 0, b, off + first, n - first);
            head = (head + n) % ring.length;
            count -= n;
            changed.signalAll();
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            while (len > 0) {
                while (count == ring.length && !readerClosed && !writerClosed && !broken) {
                    if (!changed.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("test pipe: nobody read for 30 s (a deadlock?)");
                    }
                }
                if (readerClosed || broken) {
                    throw new IOException("Connection reset");
                }
                if (writerClosed) {
                    throw new IOException("Socket output is shut down");
                }
                int n = (int) Math.min(Math.min(len, ring.length - count), breakAfter - written);
                int tail = (head + count) % ring.length;
                int first = Math.min(n, ring.length - tail);
                System.arraycopy(b, off, ring, tail, first);
                System.arraycopy(b, off + first, ring, 0, n - first);
                count += n;
                written += n;
                off += n;
                len -= n;
                if (written >= breakAfter) {
                    broken = true;
                }
                changed.signalAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } finally {
            lock.unlock();
        }
    }
}
