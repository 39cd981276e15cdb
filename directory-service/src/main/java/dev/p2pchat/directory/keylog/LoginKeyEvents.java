package dev.p2pchat.directory.keylog;

import dev.p2pchat.directory.account.LoginKeys;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The log's side of a login: the first key an account presents is its {@code first} entry; a key
 * other than its current one (lost laptop, new machine) is a {@code reset}, unsigned, which
 * peers that knew the old key show loudly. The same key again appends nothing, and costs one
 * indexed read without any lock.
 */
@Component
class LoginKeyEvents implements LoginKeys {

    private final KeyLog log;

    LoginKeyEvents(KeyLog log) {
        this.log = log;
    }

    @Override
    public void presented(String usernameKey, String fingerprint) {
        if (isCurrent(log.latest(usernameKey), fingerprint)) {
            return;
        }
        log.append(usernameKey, latest -> {
            if (isCurrent(latest, fingerprint)) {
                return null; // a concurrent login appended it first
            }
            return latest.isEmpty()
                    ? new KeyLog.Draft(LogEntry.Kind.FIRST, fingerprint, null, null, null)
                    : new KeyLog.Draft(LogEntry.Kind.RESET, fingerprint, latest.get().fingerprint(), null, null);
        });
    }

    private static boolean isCurrent(Optional<LogEntry> latest, String fingerprint) {
        return latest.map(entry -> entry.fingerprint().equals(fingerprint)).orElse(false);
    }
}
