package dev.p2pchat.directory.relay;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The relay's settings, {@code directory.relay.*} (environment: {@code DIRECTORY_RELAY_*}), read
 * by the directory (which mints tokens and tells peers where the relay is) and by the relay,
 * inside the directory or alone ({@link RelayMain}).
 *
 * @param enabled        peers are offered a relay; false: the welcome says {@code "relay":null}
 *                       and {@code relay} requests get {@code error relay-disabled}
 * @param embedded       the relay runs inside the directory process; false when it runs alone
 * @param port           its TCP port (0: any free port, for tests)
 * @param address        the address it binds to; empty: every interface
 * @param publicHost     the host peers are told; empty: the host they reach the directory at
 * @param publicPort     the port peers are told; empty: {@code port}
 * @param secret         base64 of at least 32 bytes shared by every directory instance and relay;
 *                       empty: a random one per process (one instance with its embedded relay only)
 * @param maxSessions    tokens being waited on or spliced at once; beyond, {@code error busy}
 * @param maxPerAddress  connections at once from one address (an IPv6 client by its /64)
 * @param maxDuration    a spliced session is cut after this long
 * @param maxBytes       ... or after this many bytes, both directions together
 * @param rate           bytes per second per session and direction; 0: unlimited
 */
@Validated
@ConfigurationProperties("directory.relay")
public record RelayProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("true") boolean embedded,
        @Min(0) @Max(65535) @DefaultValue("8082") int port,
        String address,
        String publicHost,
        @Min(1) @Max(65535) Integer publicPort,
        String secret,
        @Min(1) @Max(1_000_000) @DefaultValue("1000") int maxSessions,
        @Min(1) @Max(10_000) @DefaultValue("8") int maxPerAddress,
        @NotNull @DefaultValue("6h") Duration maxDuration,
        @NotNull @DefaultValue("16GB") DataSize maxBytes,
        @NotNull @DefaultValue("0B") DataSize rate) {

    /** The secret's bytes, or null when none is set. */
    public byte[] secretBytes() {
        if (secret == null || secret.isBlank()) {
            return null;
        }
        return Base64.getDecoder().decode(secret.strip());
    }

    @AssertTrue(message = "must be base64 of at least 32 bytes")
    public boolean isSecretValid() {
        if (secret == null || secret.isBlank()) {
            return true;
        }
        try {
            return secretBytes().length >= RelayTokens.MIN_SECRET_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @AssertTrue(message = "must be set (the same on every directory instance and relay) when the relay is not "
            + "embedded: tokens minted here are checked there")
    public boolean isSecretSetWhenNotEmbedded() {
        return !enabled || embedded || (secret != null && !secret.isBlank());
    }

    @AssertTrue(message = "must be positive")
    public boolean isMaxDurationPositive() {
        return maxDuration != null && !maxDuration.isNegative() && !maxDuration.isZero();
    }

    @AssertTrue(message = "must be positive")
    public boolean isMaxBytesPositive() {
        return maxBytes != null && maxBytes.toBytes() > 0;
    }

    @AssertTrue(message = "must not be negative")
    public boolean isRateValid() {
        return rate != null && rate.toBytes() >= 0;
    }

    /** The port peers are told. */
    public int advertisedPort(int boundPort) {
        return publicPort != null ? publicPort : boundPort;
    }

    /** Connections at once, all kinds: two per session, and room for observes and lines being read. */
    int maxConnections() {
        return 2 * maxSessions + 64;
    }
}
