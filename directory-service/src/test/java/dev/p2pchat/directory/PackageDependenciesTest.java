package dev.p2pchat.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Feature packages depend one way: presence on the key log, session and account; the key log on session and account; session on account; never back. */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/p2pchat/directory");

    private static List<String> importsOf(String feature) throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve(feature))) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream().filter(line -> line.startsWith("import "));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void sessionKnowsNothingOfPresence() throws IOException {
        assertThat(importsOf("session")).noneMatch(line -> line.contains("dev.p2pchat.directory.presence."));
    }

    @Test
    void accountKnowsNothingOfSessionsOrPresence() throws IOException {
        assertThat(importsOf("account")).noneMatch(line -> line.contains("dev.p2pchat.directory.presence.")
                || line.contains("dev.p2pchat.directory.session."));
    }

    /** Accounts tell the key log of keys through their own LoginKeys; the log knows nothing of presence. */
    @Test
    void theKeyLogSitsBetweenAccountsAndPresence() throws IOException {
        for (String feature : List.of("account", "session")) {
            assertThat(importsOf(feature)).as(feature).noneMatch(line -> line.contains("dev.p2pchat.directory.keylog."));
        }
        assertThat(importsOf("keylog")).noneMatch(line -> line.contains("dev.p2pchat.directory.presence.")
                || line.contains("dev.p2pchat.directory.signal."));
    }

    /** The relay runs alone (RelayMain) too: it may use no other feature, nor Spring's web or data stack. */
    @Test
    void theRelayStandsAlone() throws IOException {
        assertThat(importsOf("relay")).noneMatch(line -> line.startsWith("import dev.p2pchat.directory.")
                && !line.startsWith("import dev.p2pchat.directory.relay."))
                .noneMatch(line -> line.contains("org.springframework.web") || line.contains("org.springframework.jdbc")
                        || line.contains("jakarta.persistence"));
    }

    @Test
    void signallingIsUsedByNoOtherFeature() throws IOException {
        for (String feature : List.of("account", "session", "presence", "relay", "system", "keylog")) {
            assertThat(importsOf(feature)).as(feature)
                    .noneMatch(line -> line.contains("dev.p2pchat.directory.signal."));
        }
    }

    @Test
    void servicesSpeakTheDomainNotHttp() throws IOException {
        for (String feature : List.of("account", "session", "presence", "keylog")) {
            try (Stream<Path> files = Files.walk(MAIN.resolve(feature))) {
                files.filter(f -> f.getFileName().toString().endsWith("Service.java")).forEach(f -> {
                    try {
                        assertThat(Files.readString(f)).as(f.toString())
                                .doesNotContain("org.springframework.http.").doesNotContain("ApiException");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
