package dev.p2pchat.peer.command;

import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.directory.HttpDirectory;
import dev.p2pchat.peer.identity.Fingerprints;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.keylog.KeyLog;
import dev.p2pchat.peer.keylog.LogStore;
import dev.p2pchat.peer.identity.IdentityException;
import dev.p2pchat.peer.identity.KnownPeers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a command works with: the global options resolved, the streams picocli gives (so tests
 * capture them), and lazily the home folder, directory client, identity and known peers.
 */
public final class Cli {

    private final URI server;
    private final Path serverCa;
    private final InputStream stdin;
    private final boolean terminal;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean noColor;
    private final Home home;
    private Directory directory;
    private Identity identity;
    private KnownPeers knownPeers;
    private boolean homeChecked;
    private String logKey;
    private KeyLog keyLog;

    public Cli(URI server, Path home, Path serverCa, InputStream stdin, boolean terminal, PrintWriter out,
               PrintWriter err) {
        this(server, home, serverCa, stdin, terminal, out, err, false, false);
    }

    /**
     * @param quiet   only requested data and errors are printed: no status lines
     * @param noColor no ANSI colours or styles anywhere (NO_COLOR)
     */
    public Cli(URI server, Path home, Path serverCa, InputStream stdin, boolean terminal, PrintWriter out,
               PrintWriter err, boolean quiet, boolean noColor) {
        this.quiet = quiet;
        this.noColor = noColor;
        this.server = server;
        this.serverCa = serverCa;
        this.stdin = stdin;
        this.terminal = terminal;
        this.out = out;
        this.err = err;
        this.home = new Home(home);
    }

    /** The log key fingerprint given with --log-key (any case, spaces or colons), or null. */
    public Cli logKey(String fingerprint) {
        if (fingerprint == null || fingerprint.isBlank()) {
            this.logKey = null;
            return this;
        }
        try {
            this.logKey = Fingerprints.normalize(fingerprint);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "invalid --log-key: expected the 64 hex characters of the"
                    + " directory's log key fingerprint");
        }
        return this;
    }

    /** The key log checks for --server, with what this home keeps of it. */
    public synchronized KeyLog keyLog() {
        if (keyLog == null) {
            keyLog = new KeyLog(this::directory, new LogStore(home().dir()), logKey);
        }
        return keyLog;
    }

    public URI server() {
        return server;
    }

    public InputStream stdin() {
        return stdin;
    }

    /** True when stdin and stdout are a terminal a person types at. */
    public boolean terminal() {
        return terminal;
    }

    /** Received messages and requested data (lists, lookups): what a script would capture. */
    public PrintWriter out() {
        return out;
    }

    /** Status, prompts, progress and errors. */
    public PrintWriter err() {
        return err;
    }

    /** Whether status lines are suppressed ({@code --quiet}). */
    public boolean quiet() {
        return quiet;
    }

    public boolean noColor() {
        return noColor;
    }

    /** A warning on stderr: shown even with {@code --quiet}. */
    public void warn(String message) {
        synchronized (err) {
            err.println("warning: " + Text.printableLines(message));
            err.flush();
        }
    }

    /** A status line on stderr, unless {@code --quiet}. */
    public void status(String message) {
        if (quiet) {
            return;
        }
        synchronized (err) {
            err.println(Text.printableLines(message));
            err.flush();
        }
    }

    /** The home folder, made owner-only on first use if it exists with looser permissions. */
    public synchronized Home home() {
        if (!homeChecked) {
            homeChecked = true;
            home.makePrivate().ifPresent(change -> warn(change));
        }
        return home;
    }

    public synchronized Directory directory() throws DirectoryException {
        if (directory == null) {
            directory = new HttpDirectory(server, serverCa);
        }
        return directory;
    }

    public synchronized Identity identity() throws IdentityException {
        if (identity == null) {
            identity = Identity.loadOrCreate(home().dir());
            warnIfOthersCanRead(home().dir().resolve(Identity.KEY_FILE));
        }
        return identity;
    }

    /**
     * The identity to log in as {@code username} with. A key rotation whose answer was lost is
     * settled first from the key log (logging in with the old key would tell the directory to
     * reset to it); when the log shows the new key, it becomes our identity.
     */
    public synchronized Identity loginIdentity(String username) throws Exception {
        KeyLog.Settled settled = keyLog().settlePending(username, home().dir(), identity());
        if (settled.promoted()) {
            identity = settled.identity();
            status("Finished the key rotation the directory had taken: your identity key is now "
                    + Fingerprints.pretty(identity.fingerprint()) + ".");
        }
        return identity;
    }

    public synchronized KnownPeers knownPeers() throws IdentityException {
        if (knownPeers == null) {
            knownPeers = KnownPeers.load(home().knownPeers());
            for (String warning : knownPeers.warnings()) {
                warn(warning);
            }
        }
        return knownPeers;
    }

    /** Warns when a secret (the identity key, a password file) can be read by others. */
    public void warnIfOthersCanRead(Path secret) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(secret);
            permissions.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            if (!permissions.isEmpty()) {
                warn(secret + " is readable by others; run: chmod 600 " + secret);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to check
        }
    }

    /** The saved login for {@code --server}, or a clear failure telling the user to log in. */
    public Home.SavedSession session() {
        return home().session(server, Instant.now()).orElseThrow(() -> new CliException(ExitCode.AUTHENTICATION,
                "not logged in to " + server + ": run 'p2pchat login -u NAME' first"));
    }
}
