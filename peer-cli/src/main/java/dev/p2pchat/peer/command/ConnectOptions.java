package dev.p2pchat.peer.command;

import dev.p2pchat.peer.connect.LadderSettings;
import dev.p2pchat.peer.connect.Rung;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a command reaches peers: whether it explains each rung of the ladder, and test hooks. */
public final class ConnectOptions {

    @Option(names = "--explain",
            description = "Print on stderr each way tried to reach the peer (direct, reverse, hole punch, relay), "
                    + "where, how long it took and why it failed, and which one won.")
    boolean explain;

    /** For the NAT tests: this side dials its hole-punch SYN this much later ("one side starts late"). */
    @Option(names = "--punch-delay", hidden = true, defaultValue = "0", paramLabel = "MS")
    int punchDelayMillis;

    /** For tests and benchmarks: the one way the dialer may use (direct, reverse, punched, relayed). */
    @Option(names = "--only-path", hidden = true, paramLabel = "RUNG")
    Rung onlyPath;

    LadderSettings settings() {
        if (punchDelayMillis < 0 || punchDelayMillis > 10_000) {
            throw new CliException(ExitCode.USAGE, "--punch-delay must be between 0 and 10000 ms");
        }
        LadderSettings settings = LadderSettings.DEFAULT.withPunchDelay(Duration.ofMillis(punchDelayMillis));
        return onlyPath == null ? settings : settings.onlyVia(onlyPath);
    }
}
