package dev.p2pchat.peer.e2e;

import dev.p2pchat.peer.P2pChat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A p2pchat command in its own JVM, so that it can really be killed (SIGKILL). */
final class PeerProcess implements AutoCloseable {

    private final Process process;
    private final OutputStream stdin;
    private final Path out;
    private final Path err;

    PeerProcess(Peer peer, Path logs, String... args) throws IOException {
        Files.createDirectories(logs);
        out = Files.createTempFile(logs, peer.name() + "-", ".out");
        err = Files.createTempFile(logs, peer.name() + "-", ".err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), P2pChat.class.getName(),
                "--server", peer.server(), "--home", peer.home().toString()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        stdin = process.getOutputStream();
    }

    String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    void type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    int waitFor(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("still running after " + timeout);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
