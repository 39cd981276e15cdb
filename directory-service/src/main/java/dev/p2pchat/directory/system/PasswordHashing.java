package dev.p2pchat.directory.system;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.crypto.bcrypt.BCrypt;
import org.springframework.stereotype.Component;

/**
 * BCrypt hashing and checking on a small bounded pool.
 *
 * <p>Password checks are deliberately slow. Running them on the request threads would let a
 * login flood occupy every servlet thread and starve cheap calls such as lookups, so they run
 * here on at most {@code pool-size} threads with at most {@code queue-capacity} waiting; beyond
 * that a call is refused at once with {@link BusyException} (503 and {@code Retry-After}). Passwords arrive as
 * {@code char[]}, are encoded to UTF-8 bytes for BCrypt and both arrays are zeroed afterwards.
 */
@Component
public class PasswordHashing implements DisposableBean {

    /** BCrypt reads at most 72 bytes; longer passwords are refused rather than truncated. */
    public static final int MAX_PASSWORD_BYTES = 72;
    public static final int MIN_PASSWORD_BYTES = 8;

    private final int cost;
    private final ThreadPoolExecutor pool;
    private final SecureRandom random = new SecureRandom();
    /** Checked against for unknown usernames so that they take as long as a wrong password. */
    private final String dummyHash;

    public PasswordHashing(DirectoryProperties properties) {
        this.cost = properties.bcrypt().cost();
        int threads = properties.bcrypt().poolSize();
        int queue = properties.bcrypt().queueCapacity();
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                queue == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
                runnable -> {
                    Thread thread = new Thread(runnable, "bcrypt-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        byte[] filler = new byte[16];
        random.nextBytes(filler);
        this.dummyHash = BCrypt.hashpw(filler, BCrypt.gensalt(cost, random));
    }

    /** Hashes a new password. The array is zeroed before this returns. */
    public String hash(char[] password) {
        byte[] bytes = utf8(password);
        Arrays.fill(password, '\0');
        return run(() -> {
            try {
                return BCrypt.hashpw(bytes, BCrypt.gensalt(cost, random));
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        });
    }

    /** Checks a password against a stored hash. The array is zeroed before this returns. */
    public boolean matches(char[] password, String hash) {
        byte[] bytes = utf8(password);
        Arrays.fill(password, '\0');
        return run(() -> {
            try {
                return BCrypt.checkpw(bytes, hash);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        });
    }

    /**
     * Refuses at once ({@link BusyException}) when every thread is checking and the queue is full, before the
     * caller spends a database read on a check that could not run anyway; the refused password
     * is zeroed, as every other path here zeroes it. Only a shortcut: the bound itself is the
     * pool's.
     */
    public void ensureCapacity(char[] password) {
        if (pool.getActiveCount() >= pool.getMaximumPoolSize() && pool.getQueue().remainingCapacity() == 0) {
            Arrays.fill(password, '\0');
            throw busy();
        }
    }

    /** Spends the time of a real check, for an unknown username; always false. */
    public boolean matchesNothing(char[] password) {
        matches(password, dummyHash);
        return false;
    }

    /** Number of UTF-8 bytes the password takes, or -1 if it is not valid Unicode. */
    public static int utf8Length(char[] password) {
        try {
            byte[] bytes = utf8(password);
            int length = bytes.length;
            Arrays.fill(bytes, (byte) 0);
            return length;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static byte[] utf8(char[] password) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(password));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            Arrays.fill(encoded.array(), (byte) 0);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("password is not valid Unicode");
        }
    }

    private <T> T run(Callable<T> task) {
        Future<T> future;
        try {
            future = pool.submit(task);
        } catch (RejectedExecutionException e) {
            throw busy();
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw busy();
        } catch (ExecutionException e) {
            throw new IllegalStateException("password hashing failed", e.getCause());
        }
    }

    private static BusyException busy() {
        return new BusyException();
    }

    /** Checks waiting or running right now (for metrics). */
    public int inFlight() {
        return pool.getActiveCount() + pool.getQueue().size();
    }

    @Override
    public void destroy() {
        pool.shutdownNow();
    }
}
