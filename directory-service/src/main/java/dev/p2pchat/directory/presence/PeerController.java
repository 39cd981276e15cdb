package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.account.Account;
import dev.p2pchat.directory.account.ValidUsername;
import dev.p2pchat.directory.keylog.KeyLog;
import dev.p2pchat.directory.session.AuthenticatedUser;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PeerController {

    private final PresenceService presence;
    private final KeyLog keyLog;

    PeerController(PresenceService presence, KeyLog keyLog) {
        this.presence = presence;
        this.keyLog = keyLog;
    }

    @GetMapping("/api/v1/peers")
    PeerPage list(AuthenticatedUser user,
                  @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit,
                  @RequestParam(required = false) @Pattern(regexp = ValidUsername.PATTERN,
                          message = "must be a username (the 'next' of the previous page)") String after) {
        PresenceService.Page page = presence.online(limit, after);
        return new PeerPage(page.peers().stream().map(p -> new PeerSummary(p.getUsername(), p.getUpdatedAt())).toList(),
                page.next());
    }

    @GetMapping("/api/v1/peers/{username}")
    PeerDetails lookup(AuthenticatedUser user, @PathVariable String username) {
        PeerView peer = presence.lookup(username);
        KeyLog.Proven proven = keyLog.proveLatest(Account.key(peer.username())).orElse(null);
        if (proven != null && !proven.entry().fingerprint().equals(peer.fingerprint())) {
            // a key event committed between the two reads: read the account again, now behind the entry
            peer = presence.lookup(username);
        }
        return new PeerDetails(peer.username(), peer.online(), peer.host(), peer.port(), peer.fingerprint(),
                peer.lastSeen(), peer.signal(), peer.addresses().stream()
                        .map(a -> new PeerAddress(a.host(), a.port(), "local")).toList(), proven);
    }

    record PeerPage(List<PeerSummary> peers, String next) {
    }

    record PeerSummary(String username, Instant lastSeen) {
    }

    record PeerDetails(String username, boolean online, String host, Integer port, String fingerprint,
                       Instant lastSeen, boolean signal, List<PeerAddress> addresses, KeyLog.Proven keyLog) {
    }

    /** One of the peer's own interface addresses for its port. */
    record PeerAddress(String host, int port, String kind) {
    }
}
