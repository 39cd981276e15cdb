package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.session.Downloads;
import dev.p2pchat.peer.session.ReceivePolicy;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The receiving options of listen, chat and shell, as they turn into a policy. */
class ReceiveOptionsTest {

    @TempDir
    Path home;

    private Cli cli(boolean terminal) {
        return new Cli(URI.create("http://localhost:8080"), home, null, new ByteArrayInputStream(new byte[0]), terminal,
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    private static ReceiveOptions parse(String... args) {
        ReceiveOptions options = new ReceiveOptions();
        new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return options;
    }

    @Test
    void withoutAcceptAPersonAtATerminalIsAskedAndAScriptTakesFilesFromKnownPeersOnly() {
        assertThat(parse().policy(cli(true)).mode()).isEqualTo(ReceivePolicy.Mode.ASK);
        assertThat(parse().policy(cli(false)).mode()).isEqualTo(ReceivePolicy.Mode.KNOWN);
        assertThat(parse("--accept", "auto").policy(cli(false)).mode()).isEqualTo(ReceivePolicy.Mode.AUTO);
        assertThat(parse("--accept", "known").policy(cli(true)).mode()).isEqualTo(ReceivePolicy.Mode.KNOWN);
    }

    @Test
    void partialsLiveInAPrivateFolderOfTheHomeNotInTheDownloadsFolder() throws Exception {
        Path shared = Files.createDirectories(home.resolve("elsewhere/downloads"));
        Downloads downloads = parse("--downloads", shared.toString()).policy(cli(false)).downloads();
        assertThat(downloads.dir()).isEqualTo(shared);
        assertThat(downloads.partials()).isEqualTo(home.resolve("partials"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("partials"))))
                .isEqualTo("rwx------");
    }

    @Test
    void theLimitsHaveSensibleDefaultsAndCanBeSet() {
        Downloads.Settings defaults = parse().policy(cli(false)).downloads().settings();
        assertThat(defaults).isEqualTo(Downloads.Settings.DEFAULTS);
        assertThat(defaults.keepFree()).isEqualTo(Downloads.Settings.AUTO);
        assertThat(defaults.partialsLimit()).isEqualTo(10L << 30);
        assertThat(defaults.partialsMaxAge()).isEqualTo(Duration.ofDays(7));

        Downloads.Settings set = parse("--keep-free", "2G", "--partials-limit", "500M", "--partials-max-age", "2")
                .policy(cli(false)).downloads().settings();
        assertThat(set).isEqualTo(new Downloads.Settings(false, 2L << 30, 500L << 20, Duration.ofDays(2)));
    }

    @Test
    void aDownloadsFolderOthersCanWriteToStopsTheCommandUnlessAllowed() throws Exception {
        Path shared = Files.createDirectories(home.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> parse("--downloads", shared.toString()).policy(cli(false)))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("can be written by other users")
                .hasMessageContaining("--allow-shared-downloads");
        assertThat(parse("--downloads", shared.toString(), "--allow-shared-downloads").policy(cli(false)).mode())
                .isEqualTo(ReceivePolicy.Mode.KNOWN);
        assertThat(parse("--downloads", shared.toString(), "--accept", "no").policy(cli(false)).mode())
                .isEqualTo(ReceivePolicy.Mode.NO);
    }

    @Test
    void aMaximumAgeUnderADayIsABadCommandLine() {
        assertThatThrownBy(() -> parse("--partials-max-age", "0").policy(cli(false)))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
    }
}
