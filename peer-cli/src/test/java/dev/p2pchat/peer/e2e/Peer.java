package dev.p2pchat.peer.e2e;

import dev.p2pchat.peer.P2pChat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** A p2pchat user with their own home folder, running commands in this JVM with captured output. */
final class Peer {

    private final String name;
    private final Path home;
    private volatile String server;

    Peer(String name, Path home, String server) {
        this.name = name;
        this.home = home;
        this.server = server;
    }

    String name() {
        return name;
    }

    Path home() {
        return home;
    }

    String server() {
        return server;
    }

    void server(String server) {
        this.server = server;
    }

    record Result(int exit, String out, String err) {
    }

    /** Runs a command to its end with {@code stdin} as input. */
    Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err)
                .execute(withGlobals(args));
        return new Result(exit, out.toString(), err.toString());
    }

    Result registerAndLogin() {
        Result registered = run(name + " password\n", "register", "-u", name, "--password-stdin");
        if (registered.exit() != 0) {
            return registered;
        }
        return run(name + " password\n", "login", "-u", name, "--password-stdin");
    }

    /** A command running in the background, fed line by line. */
    final class Running {
        private final PipedOutputStream stdin;
        private final PrintWriter lines;
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();

        Running(String... args) throws IOException {
            PipedInputStream in = new PipedInputStream(64 * 1024);
            stdin = new PipedOutputStream(in);
            lines = new PrintWriter(stdin, true, StandardCharsets.UTF_8);
            CommandLine commandLine = commandLine(in, out, err);
            Thread thread = new Thread(() -> {
                try {
                    exit.complete(commandLine.execute(withGlobals(args)));
                } catch (Throwable t) {
                    exit.completeExceptionally(t);
                }
            }, "peer-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        void type(String line) {
            lines.println(line);
        }

        void endInput() throws IOException {
            stdin.close();
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        CompletableFuture<Integer> exit() {
            return exit;
        }

        int waitFor(Duration timeout) throws Exception {
            return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    Running start(String... args) throws IOException {
        return new Running(args);
    }

    private CommandLine commandLine(java.io.InputStream stdin, StringWriter out, StringWriter err) {
        CommandLine commandLine = P2pChat.commandLine(new P2pChat(stdin, false));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }

    private String[] withGlobals(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server, "--home", home.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }
}
