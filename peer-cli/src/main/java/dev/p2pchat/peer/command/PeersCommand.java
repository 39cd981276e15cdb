package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.directory.Directory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "peers", description = "List who is online, by username.")
public final class PeersCommand implements Callable<Integer> {

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON: [{\"username\":..,\"lastSeen\":..}].")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        Home.SavedSession session = cli.session();
        List<Directory.PeerSummary> peers = all(cli.directory(), session.token());
        if (json) {
            cli.out().println(JsonMapper.builder().build().writeValueAsString(peers));
        } else if (peers.isEmpty()) {
            cli.status("Nobody is online.");
        } else {
            Instant now = Instant.now();
            var known = cli.knownPeers();
            for (Directory.PeerSummary peer : peers) {
                String you = peer.username().equalsIgnoreCase(session.username()) ? "  (you)" : "";
                cli.out().printf("%-32s seen %-12s%s%s%n", Text.printable(peer.username(), 64), ago(peer.lastSeen(), now),
                        trust(known, peer.username()), you);
            }
        }
        cli.out().flush();
        return ExitCode.OK;
    }

    /** Every page of the online list. */
    static List<Directory.PeerSummary> all(Directory directory, String token) throws Exception {
        List<Directory.PeerSummary> peers = new ArrayList<>();
        String after = null;
        do {
            Directory.PeerPage page = directory.peers(token, 500, after);
            peers.addAll(page.peers());
            // a cursor that does not move forward would loop for ever
            String next = page.next();
            after = next != null && (after == null || next.compareToIgnoreCase(after) > 0) ? next : null;
        } while (after != null);
        return peers;
    }

    /** What known_peers says of a name: verified (safety number confirmed), pinned, or nothing. */
    static String trust(dev.p2pchat.peer.identity.KnownPeers known, String username) {
        return known.fingerprintOf(username).map(key -> known.verified(username, key) ? "  verified" : "  pinned")
                .orElse("");
    }

    static String ago(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        if (seconds < 60) {
            return seconds + " s ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h ago";
        }
        return seconds / 86_400 + " d ago";
    }
}
