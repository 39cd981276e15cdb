package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PasswordHashingTest {

    private static PasswordHashing hashing(int cost, int threads, int queue) {
        return new PasswordHashing(new DirectoryProperties(new DirectoryProperties.Lockout(3, Duration.ofMinutes(15)),
                new DirectoryProperties.Token(Duration.ofHours(12), Duration.ofSeconds(2)), new DirectoryProperties.Presence(Duration.ofSeconds(60)),
                new DirectoryProperties.Bcrypt(cost, threads, queue), Path.of("data"), new DirectoryProperties.H2(40), new DirectoryProperties.Throttle(10, Duration.ofMinutes(1), 5, Duration.ofHours(1), 100_000, 600, Duration.ofMinutes(1), 20, Duration.ofSeconds(10), 50_000),
                java.util.List.of()));
    }

    @Test
    void aHashMatchesItsPasswordOnlyAndTheArraysAreZeroed() {
        PasswordHashing hashing = hashing(4, 1, 4);
        char[] password = "correct horse".toCharArray();

        String hash = hashing.hash(password);

        assertThat(password).containsOnly('\0');
        assertThat(hash).startsWith("$2a$04$").hasSize(60);
        assertThat(hashing.matches("correct horse".toCharArray(), hash)).isTrue();
        assertThat(hashing.matches("correct horsf".toCharArray(), hash)).isFalse();
        assertThat(hashing.matchesNothing("correct horse".toCharArray())).isFalse();
        hashing.destroy();
    }

    @Test
    void allSeventyTwoBytesCount() {
        PasswordHashing hashing = hashing(4, 1, 4);
        String base = "x".repeat(71);
        String hash = hashing.hash((base + "a").toCharArray());

        assertThat(hashing.matches((base + "b").toCharArray(), hash)).isFalse();
        hashing.destroy();
    }

    @Test
    void utf8LengthCountsBytesAndRejectsBrokenUnicode() {
        assertThat(PasswordHashing.utf8Length("abc".toCharArray())).isEqualTo(3);
        assertThat(PasswordHashing.utf8Length("é€😀".toCharArray())).isEqualTo(2 + 3 + 4);
        assertThat(PasswordHashing.utf8Length(new char[] {'a', '\uD800'})).isEqualTo(-1);
    }

    @Test
    void checksBeyondThePoolAndQueueAreRefusedWithRetryAfter() throws Exception {
        PasswordHashing hashing = hashing(14, 1, 1);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch started = new CountDownLatch(2);
            Future<?> running = callers.submit(() -> {
                started.countDown();
                return hashing.hash("first password".toCharArray());
            });
            Future<?> queued = callers.submit(() -> {
                started.countDown();
                return hashing.hash("second password".toCharArray());
            });
            started.await();
            org.awaitility.Awaitility.await().until(() -> hashing.inFlight() == 2);

            char[] refused = "refused password".toCharArray();
            assertThatThrownBy(() -> hashing.ensureCapacity(refused)).as("refused before any database work")
                    .isInstanceOf(BusyException.class);
            assertThat(refused).as("the refused password is zeroed").containsOnly('\0');
            assertThatThrownBy(() -> hashing.hash("third password".toCharArray()))
                    .isInstanceOf(BusyException.class);
            running.cancel(true);
            queued.cancel(true);
        } finally {
            callers.shutdownNow();
            hashing.destroy();
        }
    }
}
