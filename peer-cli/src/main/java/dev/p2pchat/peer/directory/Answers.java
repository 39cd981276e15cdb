package dev.p2pchat.peer.directory;

import dev.p2pchat.peer.directory.DirectoryException.Kind;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.Usernames;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Every answer of the directory is hostile input until checked here: names follow the username
 * rule and are the names that were asked for, fingerprints are canonical, ports are ports and
 * hosts are addresses or host names. A directory that breaks a rule gets a
 * {@link Kind#BAD_ANSWER}, never a dial, never a stack trace.
 *
 * <p>An address on this machine or on the local link (loopback, link-local, unspecified,
 * multicast) is refused as a peer's address unless the directory itself runs on this machine:
 * a directory elsewhere has no business sending us to our own services.
 */
final class Answers {

    /** Base64url, as the directory issues them (43 characters for 256 bits); generous, but bounded. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,512}");

    private final URI base;
    private final boolean directoryIsLocal;

    Answers(URI base) {
        this.base = base;
        this.directoryIsLocal = Hosts.isLocal(base.getHost());
    }

    Directory.Peer peer(Directory.Peer peer, String asked) throws DirectoryException {
        if (peer == null) {
            throw bad("no answer to the lookup of '" + asked + "'");
        }
        name(peer.username(), asked, "a lookup of");
        if (peer.fingerprint() != null && !Fingerprints.isValid(peer.fingerprint())) {
            throw bad("a fingerprint for '" + asked + "' that is not 64 lowercase hex characters");
        }
        if (peer.port() != null) {
            port(peer.port(), asked);
        }
        if (peer.host() != null) {
            host(peer.host(), asked);
        }
        if (peer.addresses() != null) {
            if (peer.addresses().size() > Signal.MAX_ADDRESSES) {
                throw bad("more than " + Signal.MAX_ADDRESSES + " addresses for '" + asked + "'");
            }
            for (Signal.Candidate candidate : peer.addresses()) {
                if (candidate == null || !Hosts.isIpLiteral(candidate.host())) {
                    throw bad("an address for '" + asked + "' that is not an IP address");
                }
                port(candidate.port(), asked);
                host(candidate.host(), asked);
            }
        }
        return peer;
    }

    Directory.Presence presence(Directory.Presence presence, int port) throws DirectoryException {
        if (presence == null || !Usernames.isValid(presence.username())) {
            throw bad("an invalid username in the presence answer");
        }
        if (presence.port() != port) {
            throw bad("port " + presence.port() + " for the presence published on port " + port);
        }
        if (presence.host() == null || !Hosts.isSyntacticHost(presence.host())) {
            throw bad("an invalid host in the presence answer");
        }
        return presence;
    }

    Directory.Session session(Directory.Session session, String asked) throws DirectoryException {
        if (session == null) {
            throw bad("no session in the login answer");
        }
        name(session.username(), asked, "the login of");
        if (session.token() == null || !TOKEN.matcher(session.token()).matches()) {
            throw bad("a malformed token in the login answer");
        }
        if (session.expiresAt() == null) {
            throw bad("no expiry in the login answer");
        }
        return session;
    }

    String registered(String username, String asked) throws DirectoryException {
        return name(username, asked, "the registration of");
    }

    Directory.PeerPage page(Directory.PeerPage page, int limit) throws DirectoryException {
        if (page == null || page.peers() == null) {
            throw bad("no list of peers");
        }
        if (page.peers().size() > limit) {
            throw bad(page.peers().size() + " peers where at most " + limit + " were asked for");
        }
        for (Directory.PeerSummary summary : page.peers()) {
            if (summary == null || !Usernames.isValid(summary.username())) {
                throw bad("an invalid username in the list of peers");
            }
        }
        if (page.next() != null && !Usernames.isValid(page.next())) {
            throw bad("an invalid cursor in the list of peers");
        }
        return page;
    }

    private String name(String answered, String asked, String what) throws DirectoryException {
        if (answered == null || answered.isEmpty() || !Usernames.isValid(answered)) {
            throw bad("an invalid username in the answer to " + what + " '" + asked + "'");
        }
        if (!Usernames.same(answered, asked)) {
            throw bad("an answer for '" + answered + "' to " + what + " '" + asked
                    + "': refusing it (a directory that swaps names could impersonate '" + asked + "')");
        }
        return answered;
    }

    private void port(int port, String asked) throws DirectoryException {
        if (port < 1 || port > 65535) {
            throw bad("port " + port + " for '" + asked + "' (a port is 1 to 65535)");
        }
    }

    private void host(String host, String asked) throws DirectoryException {
        if (!Hosts.isSyntacticHost(host)) {
            throw bad("a host for '" + asked + "' that is neither an IP address nor a host name");
        }
        if (!directoryIsLocal && Hosts.isLocal(host)) {
            throw bad("the address " + host + " for '" + asked + "', which is on this machine or its local link;"
                    + " a directory elsewhere may not send you there (use --address HOST:PORT if you mean it)");
        }
    }

    private DirectoryException bad(String what) {
        return new DirectoryException(Kind.BAD_ANSWER, "the directory at " + base + " sent " + clip(what));
    }

    private static String clip(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "...";
    }
}
