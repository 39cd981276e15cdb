package dev.p2pchat.directory.keylog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.directory.account.AccountService;
import dev.p2pchat.directory.system.TooManyRequestsException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

/**
 * What the review of the key log found: accounts from before the log (a directory upgraded in
 * place) get their {@code first} entry at start-up, so that peers keeping a log can still reach
 * them; one account cannot grow the log without bound; a rotation in base64 that peers would read
 * differently is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class KeyLogHardeningTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    @Autowired
    AccountService accounts;
    @Autowired
    KeyLog log;
    @Autowired
    KeyLogBackfill backfill;
    @Autowired
    JdbcClient jdbc;

    /** What a login before the upgrade left: a key on the account and nothing in the log. */
    private String accountFromBeforeTheLog(String fingerprint) {
        String name = "old" + NAMES.incrementAndGet();
        accounts.register(name, "pass word 1".toCharArray(), "192.0.2.1");
        jdbc.sql("UPDATE account SET fingerprint = ? WHERE username_key = ?").params(fingerprint, name).update();
        return name;
    }

    /** A password holder alternating keys cannot grow the log without bound (nor hold its lock for it). */
    @Test
    void anAccountAddsAtMostFiveKeyEventsADay() {
        String name = "flip" + NAMES.incrementAndGet();
        accounts.register(name, "pass word 1".toCharArray(), "192.0.2.1");
        for (int i = 0; i < KeyLog.KEY_EVENTS_PER_DAY; i++) {
            accounts.authenticate(name, "pass word 1".toCharArray(), (i % 2 == 0 ? "ab" : "cd").repeat(32), "192.0.2.1");
        }
        assertThat(log.history(name).entries()).hasSize(KeyLog.KEY_EVENTS_PER_DAY);

        assertThatThrownBy(() -> accounts.authenticate(name, "pass word 1".toCharArray(), "ef".repeat(32), "192.0.2.1"))
                .isInstanceOf(TooManyRequestsException.class)
                .hasMessageContaining("24 hours");
        assertThat(log.history(name).entries()).hasSize(KeyLog.KEY_EVENTS_PER_DAY);
        // the key the log holds still logs in: a refused change locks nobody out
        String current = log.latest(name).orElseThrow().fingerprint();
        accounts.authenticate(name, "pass word 1".toCharArray(), current, "192.0.2.1");
    }

    @Autowired
    KeyRotation rotation;

    @Test
    void aRotationInNonCanonicalBase64IsRefusedBeforeAnythingIsLogged() {
        String name = "b64" + NAMES.incrementAndGet();
        accounts.register(name, "pass word 1".toCharArray(), "192.0.2.1");
        TestIdentity current = TestIdentity.generate();
        TestIdentity next = TestIdentity.generate();
        long id = accounts.authenticate(name, "pass word 1".toCharArray(), current.fingerprint(), "192.0.2.1").getId();
        String certificate = current.certificateBase64();
        String signature = current.signRotation(name, next.fingerprint());
        long size = log.head().size();

        String unpadded = certificate.replace("=", "");
        if (!unpadded.equals(certificate)) {
            assertThatThrownBy(() -> rotation.rotate(id, name, next.fingerprint(), unpadded, signature))
                    .isInstanceOf(InvalidRotationException.class).hasMessageContaining("canonical base64");
        }
        assertThatThrownBy(() -> rotation.rotate(id, name, next.fingerprint(), certificate, signature + "\n"))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("canonical base64");
        String stray = strayBits(signature);
        if (stray != null) {
            assertThatThrownBy(() -> rotation.rotate(id, name, next.fingerprint(), certificate, stray))
                    .isInstanceOf(InvalidRotationException.class).hasMessageContaining("canonical base64");
        }
        assertThat(log.head().size()).isEqualTo(size);

        assertThat(rotation.rotate(id, name, next.fingerprint(), certificate, signature).kind()).isEqualTo("rotation");
    }

    /** {@code base64} with the unused low bits of its last character set (still decodable), or null if it has none. */
    private static String strayBits(String base64) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int pad = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
        if (pad == 0) {
            return null;
        }
        int last = base64.length() - pad - 1;
        char changed = alphabet.charAt(alphabet.indexOf(base64.charAt(last)) | 1);
        return base64.substring(0, last) + changed + base64.substring(last + 1);
    }

    @Test
    void accountsWithAKeyButNoEntryGetTheirFirstEntryOnce() {
        String keyed = accountFromBeforeTheLog("ab".repeat(32));
        String another = accountFromBeforeTheLog("cd".repeat(32));
        String keyless = "old" + NAMES.incrementAndGet();
        accounts.register(keyless, "pass word 1".toCharArray(), "192.0.2.1");
        assertThat(log.proveLatest(keyed)).as("before the backfill").isEmpty();

        backfill.run(null);
        backfill.run(null); // a second instance starting, or a restart: nothing twice

        assertThat(log.history(keyed).entries()).singleElement().satisfies(included -> {
            assertThat(included.entry().kind()).isEqualTo("first");
            assertThat(included.entry().fingerprint()).isEqualTo("ab".repeat(32));
        });
        assertThat(log.history(another).entries()).hasSize(1);
        assertThat(log.proveLatest(keyed)).as("the lookup now carries a proof").isPresent();
        assertThat(log.latest(keyless)).as("an account that never logged in has no key").isEmpty();
    }
}
