package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.session.AuthenticatedUser;
import org.junit.jupiter.api.Test;

/**
 * The presence contract on the table store, on H2 (the same SQL runs on PostgreSQL, where the
 * table is UNLOGGED: {@code TablePresenceStorePostgresIT}).
 */
class TablePresenceStoreTest extends H2PresenceContract {

    @Override
    protected PresenceStore freshStore() {
        return new TablePresenceStore(jdbcClient());
    }

    @Test
    void theTableOutlivesTheInstance() {
        AuthenticatedUser alice = user("alice");
        presence().goOnline(alice, "127.0.0.1", 7000);

        expiry().keepLastSeenOfThoseOnline();

        assertThat(lastSeenColumn(alice)).as("other instances still serve the row").isNull();
        assertThat(presence().lookup("alice").online()).isTrue();
    }
}
