package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.connect.Endpoints;
import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.keylog.KeyLog;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "lookup",
        description = "Show a peer's online state, address, port and identity fingerprint.")
public final class LookupCommand implements Callable<Integer> {

    /** What known_peers says of the key the directory gave. */
    static String knownPeers(Cli cli, Directory.Peer peer) throws dev.p2pchat.peer.identity.IdentityException {
        if (peer.fingerprint() == null) {
            return "unknown";
        }
        var known = cli.knownPeers();
        return switch (known.check(peer.username(), peer.fingerprint()).status()) {
            case TRUSTED -> known.chosen(peer.username(), peer.fingerprint()) ? "chosen" : "met";
            case MISMATCH -> "changed";
            case UNKNOWN -> "unknown";
        };
    }

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The peer's username (any letter case).")
    String username;

    @Option(names = "--json", description = "Print JSON: {username, online, host, port, fingerprint, lastSeen, "
            + "signal, addresses, knownPeers, verified, keyLog} (see the README).")
    boolean json;

    /**
     * The stable shape of {@code lookup --json}: what the directory said the peer advertised,
     * and what our known_peers says of that key ({@code "chosen"}, {@code "met"}, {@code "changed"}
     * or {@code "unknown"}), whether its safety number was confirmed ({@code verified}), and
     * whether the directory's key log proved the key ({@code "proven"}, or {@code "none"} for a
     * directory without a log; a failed proof is exit status 10, not an answer).
     */
    record Json(String username, boolean online, String host, Integer port, String fingerprint, Instant lastSeen,
                boolean signal, java.util.List<dev.p2pchat.peer.directory.Signal.Candidate> addresses, String knownPeers,
                boolean verified, String keyLog) {
    }

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        UsernameArguments.require(username);
        Directory.Peer peer = cli.directory().lookup(cli.session().token(), username);
        KeyLog.Checked proof = cli.keyLog().check(username, peer);
        String known = knownPeers(cli, peer);
        boolean verified = peer.fingerprint() != null && cli.knownPeers().verified(username, peer.fingerprint());
        if (json) {
            cli.out().println(JsonMapper.builder().build().writeValueAsString(new Json(username, peer.online(),
                    peer.online() ? peer.host() : null, peer.online() ? peer.port() : null, peer.fingerprint(),
                    peer.lastSeen(), peer.reachableBySignal(), peer.localAddresses(), known, verified,
                    proof.logged() ? "proven" : "none")));
        } else {
            cli.out().println("username:    " + Text.printable(peer.username(), 64));
            cli.out().println("online:      " + (peer.online() ? "yes" : "no"));
            if (peer.online()) {
                cli.out().println("address:     " + Text.printable(Endpoints.format(peer.host(), peer.port()), 300));
            }
            cli.out().println("fingerprint: " + (peer.fingerprint() == null ? "unknown (never logged in with p2pchat)"
                    : Fingerprints.pretty(peer.fingerprint())));
            if (peer.fingerprint() != null) {
                cli.out().println("key log:     " + (proof.logged() ? "proven (" + proof.entry().kind().wire()
                        + ", entry #" + proof.entry().index() + " of " + proof.head().size() + ", " + KeyLog.when(proof.entry())
                        + ")" : "none: this directory keeps no key log"));
            }
            cli.out().println("known_peers: " + switch (known) {
                case "chosen" -> verified ? "yes, this key, VERIFIED (safety number confirmed)"
                        : "yes, this key, pinned (not verified: p2pchat verify " + Text.printable(username, 64) + ")";
                case "met" -> "this key, pinned when they dialed you";
                case "changed" -> "ANOTHER KEY: chat and send will refuse this one";
                default -> "no";
            });
            cli.out().println("last seen:   " + PeersCommand.ago(peer.lastSeen(), Instant.now()));
        }
        cli.out().flush();
        return ExitCode.OK;
    }
}
