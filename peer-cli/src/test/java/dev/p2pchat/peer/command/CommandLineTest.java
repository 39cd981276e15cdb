package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.P2pChat;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands' contract without a directory: exit statuses and one clear line per failure. */
class CommandLineTest {

    @TempDir
    Path home;

    private String unusedServer;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void nothingListens() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            unusedServer = "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = P2pChat.commandLine(
                new P2pChat(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--server", unusedServer, "--home", home.toString()));
        all.addAll(List.of(args));
        return new Run(commandLine.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void versionAndHelpWorkEverywhere() {
        Run version = run("", "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("p2pchat ").contains("protocol p2pchat/1");

        Run help = run("", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("register", "login", "listen", "chat", "send", "shell", "Exit status:",
                "account locked", "peer identity mismatch");
        for (String command : new String[] {"register", "login", "logout", "peers", "lookup", "whoami", "listen",
                "chat", "send", "shell"}) {
            Run sub = run("", command, "--help");
            assertThat(sub.exit()).as(command).isZero();
            assertThat(sub.out()).as(command).contains("Usage: p2pchat " + command);
            assertThat(run("", command, "--version").out()).as(command).startsWith("p2pchat ");
        }
    }

    @Test
    void badCommandLinesExitWith2() {
        assertThat(run("", "frobnicate").exit()).isEqualTo(2);
        assertThat(run("", "register").exit()).as("missing -u").isEqualTo(2);
        Run invalidName = run("pw\n", "register", "-u", "-bad name", "--password-stdin");
        assertThat(invalidName.exit()).isEqualTo(2);
        assertThat(invalidName.err()).contains("invalid username");
        assertThat(run("", "listen", "--port", "70000").exit()).isEqualTo(2);
        assertThat(run("", "listen", "--max-file-size", "lots").exit()).isEqualTo(2);
        Run missing = run("", "send", "bob", home.resolve("no-such-file").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).endsWith("not a readable file or folder");
    }

    @Test
    void aPasswordIsNeverTakenFromArgvAndScriptsMustSayWhereItComesFrom() {
        Run noTerminal = run("", "login", "-u", "alice");
        assertThat(noTerminal.exit()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("use --password-stdin or --password-file");

        Run empty = run("\n", "login", "-u", "alice", "--password-stdin");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("no password in stdin");

        assertThat(run("", "login", "-u", "alice", "--password", "secret").exit()).isEqualTo(2);
    }

    @Test
    void anUnreachableDirectoryIsExit3WithOneLine() {
        Run login = run("password\n", "login", "-u", "alice", "--password-stdin");

        assertThat(login.exit()).isEqualTo(3);
        assertThat(login.err().strip()).isEqualTo("p2pchat: cannot reach the directory at " + unusedServer
                + ": connection refused");
        assertThat(login.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void commandsThatNeedALoginSaySo() {
        for (String[] command : new String[][] {{"peers"}, {"lookup", "bob"}, {"listen"}, {"chat", "bob"}}) {
            Run run = run("", command);
            assertThat(run.exit()).as(String.join(" ", command)).isEqualTo(4);
            assertThat(run.err()).contains("not logged in to " + unusedServer).contains("p2pchat login");
        }
    }

    @Test
    void whoamiShowsTheFingerprintAndCreatesAnOwnerOnlyIdentity() throws Exception {
        Run whoami = run("", "whoami");

        assertThat(whoami.exit()).isZero();
        assertThat(whoami.out()).contains("username:    (not logged in)")
                .containsPattern("fingerprint: ([0-9a-f]{4} ){15}[0-9a-f]{4}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("identity.key"))))
                .isEqualTo("rw-------");
        assertThat(run("", "whoami").out()).as("the same identity next time").isEqualTo(whoami.out());
    }

    @Test
    void aSavedSessionIsOwnerOnlyAndNeverPrinted() throws Exception {
        Home saved = new Home(home);
        saved.saveSession(new Home.SavedSession(unusedServer, "alice", "secret-token-value", Instant.now().plusSeconds(60)));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("session.json"))))
                .isEqualTo("rw-------");
        assertThat(saved.session(java.net.URI.create(unusedServer), Instant.now())).isPresent();
        assertThat(saved.session(java.net.URI.create("http://elsewhere:8080"), Instant.now()))
                .as("a token belongs to its directory").isEmpty();
        assertThat(saved.session(java.net.URI.create(unusedServer), Instant.now().plusSeconds(120)))
                .as("expired").isEmpty();
        assertThat(saved.session(java.net.URI.create(unusedServer), Instant.now()).orElseThrow().toString())
                .doesNotContain("secret-token-value");
        Run whoami = run("", "whoami");
        assertThat(whoami.out()).contains("username:    alice").doesNotContain("secret-token-value");
    }

    @Test
    void logoutWithoutASessionIsHarmless() {
        Run logout = run("", "logout");
        assertThat(logout.exit()).isZero();
        assertThat(logout.err()).contains("Not logged in");
    }

    @Test
    void aHomeFolderOthersCanEnterIsMadeOwnerOnly() throws Exception {
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));

        Run whoami = run("", "whoami");

        assertThat(Files.getPosixFilePermissions(home)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(whoami.err()).contains("warning: the home folder " + home + " was rwxr-xr-x; made it owner-only");
        assertThat(run("", "whoami").err()).as("said once, then quiet").doesNotContain("home folder");
    }

    @Test
    void aPasswordFileOthersCanReadIsWarnedAbout() throws Exception {
        Path file = Files.writeString(home.resolveSibling(home.getFileName() + "-password"), "correct horse\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Run login = run("", "login", "-u", "alice", "--password-file", file.toString());

        assertThat(login.err()).contains("warning: " + file + " is readable by others; run: chmod 600 " + file);
        assertThat(login.err()).doesNotContain("correct horse");
    }

    @Test
    void whoamiPrintsAStableJsonShape() throws Exception {
        Run whoami = run("", "whoami", "--json");

        assertThat(whoami.exit()).isZero();
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(whoami.out());
        assertThat(json.properties().stream().map(java.util.Map.Entry::getKey).toList())
                .containsExactly("username", "server", "fingerprint", "home", "loggedIn", "expiresAt");
        assertThat(json.get("loggedIn").asBoolean()).isFalse();
        assertThat(json.get("username").isNull()).isTrue();
        assertThat(json.get("fingerprint").asString()).matches("[0-9a-f]{64}");
        assertThat(whoami.err()).isEmpty();
    }

    @Test
    void quietLeavesOnlyWhatWasAskedForAndErrors() {
        Run quiet = run("", "--quiet", "peers");
        assertThat(quiet.exit()).isEqualTo(4);
        assertThat(quiet.err().lines()).as("the error alone").hasSize(1);
    }

    @Test
    void theVersionShortcutPrintsWhatPicocliPrints() throws Exception {
        Process shortcut = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.p2pchat.peer.P2pChat", "--version")
                .redirectErrorStream(true).start();
        String printed = new String(shortcut.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shortcut.waitFor()).isZero();

        assertThat(printed).isEqualTo(run("", "--version").out());
    }
}
