package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.session.AuthenticatedUser;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The presence contract on the in-memory store (the embedded default), accounts on H2. */
class MemoryPresenceStoreTest extends H2PresenceContract {

    private MemoryPresenceStore store;

    @Override
    protected PresenceStore freshStore() {
        store = new MemoryPresenceStore();
        return store;
    }

    @Test
    void stoppingKeepsTheLastRenewalOfThoseOnlineAsTheirLastSeen() {
        AuthenticatedUser alice = user("alice");
        presence().goOnline(alice, "127.0.0.1", 7000);
        Instant renewedAt = clock.instant();
        clock.advance(Duration.ofSeconds(10));

        expiry().keepLastSeenOfThoseOnline();

        assertThat(lastSeenColumn(alice)).isEqualTo(renewedAt);
        assertThat(store.lostOnStop()).hasSize(1);
    }
}
