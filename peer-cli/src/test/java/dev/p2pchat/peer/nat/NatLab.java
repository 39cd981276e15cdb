package dev.p2pchat.peer.nat;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The NAT lab: network namespaces built by {@code src/test/nat/lab.sh} (the topology is drawn
 * there), the real directory with its relay running from its packaged jar in the "internet"
 * namespace, and {@link LabUser}s that run the real {@code bin/p2pchat} inside the others.
 * Every namespace carries a per-run prefix and is deleted on {@link #close}.
 */
final class NatLab implements AutoCloseable {

    /** Where the directory listens, inside the lab's "internet". */
    static final String SERVER = "http://203.0.113.10:8080";
    private static final Duration START = Duration.ofSeconds(120);
    /** lab.sh's directory-only rule, as {@code iptables-save -c} prints it: [packets:bytes]. */
    private static final Pattern DIRECTORY_ONLY = Pattern.compile(
            "(?m)^\\[(\\d+):\\d+\\] -A FORWARD ! -d 203\\.0\\.113\\.10/32 -i lan -o wan -j DROP$");

    private final Path repo;
    private final Path work;
    private final String prefix;
    private Process directory;

    private NatLab(Path repo, Path work, String prefix) {
        this.repo = repo;
        this.work = work;
        this.prefix = prefix;
    }

    /**
     * Builds the "internet" and starts the directory in it. Where namespaces cannot be made (no
     * root, no ip or iptables) the tests are skipped, saying so loudly, except under CI=true,
     * where that fails them: CI runs as root and must run them.
     */
    static NatLab open(Path work) throws Exception {
        String missing = missingPrerequisite();
        if (missing != null) {
            String message = "the NAT lab needs " + missing;
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("FAILED: " + message + " (CI=true: these tests must run, not skip)");
            }
            System.err.println("*** SKIPPED: " + message + " ***");
            Assumptions.abort("SKIPPED: " + message);
        }
        Path repo = Path.of(System.getProperty("p2pchat.repo", "..")).toAbsolutePath().normalize();
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        NatLab lab = new NatLab(repo, work, "n" + HexFormat.of().formatHex(random));
        try {
            lab.script("pub");
            lab.startDirectory();
            return lab;
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
    }

    private static String missingPrerequisite() {
        try {
            if (!"0".equals(output("id", "-u").strip())) {
                return "root (network namespaces and iptables)";
            }
            if (!output("ip", "-V").contains("ip")) {
                return "the ip command (iproute2)";
            }
        } catch (IOException e) {
            return "the ip command (iproute2): " + e.getMessage();
        }
        try {
            output("iptables", "--version");
        } catch (IOException e) {
            return "iptables (apt-get install iptables): " + e.getMessage();
        }
        return null;
    }

    private static String output(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + text.strip());
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * (Re)builds both NAT boxes and the hosts behind them; a mode is {@code public}, {@code cone},
     * {@code symmetric}, {@code rst} or {@code directory-only} (lab.sh). Nothing of the previous topology survives, not
     * even its NAT mappings.
     */
    void sides(String modeA, String modeB) throws IOException {
        script("sides", modeA, modeB);
    }

    private void script(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(repo.resolve("peer-cli/src/test/nat/lab.sh").toString(),
                args[0], prefix));
        command.addAll(List.of(args).subList(1, args.length));
        output(command.toArray(String[]::new));
    }

    /** The command, run inside namespace {@code box} (pub, peerA, peerB, peerC). */
    List<String> inside(String box, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", prefix + "-" + box));
        all.addAll(command);
        return all;
    }

    /**
     * How many packets the {@code directory-only} NAT box {@code nat} (natA, natB) dropped on
     * their way out because they were not for the directory host.
     */
    long droppedOutbound(String nat) throws IOException {
        String rules = output(inside(nat, List.of("iptables-save", "-c", "-t", "filter")).toArray(String[]::new));
        Matcher rule = DIRECTORY_ONLY.matcher(rules);
        if (!rule.find()) {
            throw new IllegalStateException(nat + " has no directory-only rule: " + rules);
        }
        return Long.parseLong(rule.group(1));
    }

    Path repo() {
        return repo;
    }

    Path work() {
        return work;
    }

    private void startDirectory() throws IOException {
        Path jar = repo.resolve("directory-service/target/directory-service.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the nat-it profile with -pl directory-service,peer-cli");
        }
        Path data = Files.createDirectories(work.resolve("directory-data"));
        directory = new ProcessBuilder(inside("pub", List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar",
                jar.toString(), "--directory.data-dir=" + data, "--server.address=203.0.113.10", "--server.port=8080",
                "--directory.bcrypt.cost=4", "--logging.level.root=WARN", "--spring.main.banner-mode=off")))
                .redirectErrorStream(true).redirectOutput(work.resolve("directory.log").toFile()).start();
        await().atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!directory.isAlive()) {
                throw new IllegalStateException("the directory exited: " + Files.readString(work.resolve("directory.log")));
            }
            return reachable("pub", "203.0.113.10", 8080);
        });
    }

    /** Whether a TCP connection from namespace {@code box} to host:port succeeds. */
    boolean reachable(String box, String host, int port) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(inside(box, List.of("bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() throws IOException {
        try {
            if (directory != null) {
                directory.destroy();
                if (!directory.waitFor(20, TimeUnit.SECONDS)) {
                    directory.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            script("down");
        }
    }
}
