package dev.p2pchat.directory.relay;

import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * What the signalling side needs of the relay: where peers find it, and tokens for it. Tokens are
 * minted with {@code directory.relay.secret} (or this process's random secret when the relay is
 * embedded and none is set), so the relay checks them without asking the directory.
 */
@Component
public class RelayOffers {

    /** Where the relay listens, as peers are told; a null host means the directory's own host. */
    public record Point(String host, int port) {
    }

    private final RelayProperties settings;
    private final RelayTokens tokens;
    private final EmbeddedRelay embedded;

    RelayOffers(RelayProperties settings, RelayTokens tokens, EmbeddedRelay embedded) {
        this.settings = settings;
        this.tokens = tokens;
        this.embedded = embedded;
    }

    /** The relay peers are told about, or null when relaying is disabled (or its port is not open yet). */
    public Point point() {
        if (!settings.enabled()) {
            return null;
        }
        Integer bound = settings.embedded() ? embedded.port() : Integer.valueOf(settings.port());
        if (bound == null) {
            return null;
        }
        String host = settings.publicHost() == null || settings.publicHost().isBlank() ? null
                : settings.publicHost().strip();
        return new Point(host, settings.advertisedPort(bound));
    }

    /** A fresh single-use token, valid for {@link RelayTokens#LIFETIME}. */
    public String mint() {
        return tokens.mint();
    }

    static RelayTokens tokens(RelayProperties settings, Clock clock) {
        byte[] secret = settings.secretBytes();
        return new RelayTokens(secret != null ? secret : RelayTokens.newSecret(), clock);
    }
}
