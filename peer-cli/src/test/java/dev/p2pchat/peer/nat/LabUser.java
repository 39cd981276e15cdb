package dev.p2pchat.peer.nat;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A p2pchat user on one host of the lab: their own home folder, commands run as a user runs
 * them ({@code bin/p2pchat}, the packaged jar) inside that host's namespace.
 */
final class LabUser {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final NatLab lab;
    private final String name;
    private final String box;
    private final Path home;

    LabUser(NatLab lab, String name, String box) {
        this.lab = lab;
        this.name = name;
        this.box = box;
        this.home = lab.work().resolve(name);
    }

    String name() {
        return name;
    }

    Path home() {
        return home;
    }

    record Result(int exit, String out, String err) {
    }

    void registerAndLogin() throws IOException {
        String password = name + "-lab-password\n";
        for (String command : List.of("register", "login")) {
            Result result = run(password, command, "-u", name, "--password-stdin");
            if (result.exit() != 0) {
                throw new IllegalStateException(command + " " + name + " failed: " + result.err());
            }
        }
    }

    /** Runs a command to its end. */
    Result run(String stdin, String... args) throws IOException {
        try (Running running = start(args)) {
            running.type(stdin);
            running.endInput();
            int exit = running.waitFor(WAIT);
            return new Result(exit, running.out(), running.err());
        }
    }

    /** A command running in the background, fed line by line. */
    Running start(String... args) throws IOException {
        return new Running(args);
    }

    final class Running implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final Path out;
        private final Path err;

        private Running(String... args) throws IOException {
            Path logs = Files.createDirectories(lab.work().resolve("logs"));
            out = Files.createTempFile(logs, name + "-" + args[0] + "-", ".out");
            err = Files.createTempFile(logs, name + "-" + args[0] + "-", ".err");
            List<String> command = new ArrayList<>(List.of(lab.repo().resolve("bin/p2pchat").toString(),
                    "--server", NatLab.SERVER, "--home", home.toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(lab.inside(box, command))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("JAVA_HOME", Path.of(NatLab.java()).getParent().getParent().toString());
            process = builder.start();
            stdin = process.getOutputStream();
        }

        void type(String text) throws IOException {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        void line(String line) throws IOException {
            type(line + "\n");
        }

        void endInput() throws IOException {
            stdin.close();
        }

        String out() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String err() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Waits until stderr holds {@code text} (or the command ended), and returns stderr. */
        String awaitErr(String text) throws IOException {
            awaitText(text, true);
            return err();
        }

        /** Waits until stdout holds {@code text} (or the command ended), and returns stdout. */
        String awaitOut(String text) throws IOException {
            awaitText(text, false);
            return out();
        }

        private void awaitText(String text, boolean onErr) throws IOException {
            try {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                        .until(() -> (onErr ? err() : out()).contains(text) || !alive());
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(name + " never printed '" + text + "' within " + WAIT.toSeconds()
                        + " s; stdout:\n" + out() + "\nstderr:\n" + err(), e);
            }
        }

        int waitFor(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(name + " still running after " + timeout + ": " + err());
                }
                return process.exitValue();
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
