package dev.p2pchat.directory.signal;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the signalling channel, {@code directory.signal.*}.
 *
 * @param maxChannels  open channels on this instance; beyond, the upgrade gets 503
 * @param pingInterval how often the server pings a channel (and renews its listeners' rows)
 * @param idleTimeout  a channel that has sent nothing, not even a pong, for this long is closed
 */
@Validated
@ConfigurationProperties("directory.signal")
public record SignalProperties(
        @Min(1) @Max(1_000_000) @DefaultValue("10000") int maxChannels,
        @NotNull @DefaultValue("20s") Duration pingInterval,
        @NotNull @DefaultValue("60s") Duration idleTimeout) {

    @AssertTrue(message = "must be between 1 second and 5 minutes")
    public boolean isPingIntervalInRange() {
        return pingInterval != null && pingInterval.compareTo(Duration.ofSeconds(1)) >= 0
                && pingInterval.compareTo(Duration.ofMinutes(5)) <= 0;
    }

    @AssertTrue(message = "must be at least twice the ping interval")
    public boolean isIdleTimeoutLongEnough() {
        return idleTimeout != null && pingInterval != null && idleTimeout.compareTo(pingInterval.multipliedBy(2)) >= 0;
    }
}
