package dev.p2pchat.peer.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Questions of the guided console before the chat starts. On a terminal they go through the
 * console's own line reader (one owner of the terminal: passwords too, typed without echo);
 * otherwise lines are read from stdin byte by byte, so that nothing is read ahead of what the
 * chat input reads afterwards.
 */
final class Prompter {

    private final Cli cli;
    private final LineInput input;

    Prompter(Cli cli, LineInput input) {
        this.cli = cli;
        this.input = input;
    }

    /** The answer, or null at the end of input. */
    String ask(String question) {
        if (input.interactive()) {
            return input.ask(question);
        }
        cli.status(question);
        try {
            return line(cli.stdin());
        } catch (IOException e) {
            return null;
        }
    }

    char[] password(String question) {
        if (input.interactive()) {
            char[] password = input.askSecret(question);
            if (password == null) {
                throw new CliException(ExitCode.INTERRUPTED, "no password given");
            }
            return password;
        }
        cli.status(question);
        try {
            return PasswordOptions.firstLine(cli.stdin(), "stdin");
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot read the password: " + e.getMessage(), e);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (bytes.size() < 4096) {
                bytes.write(b);
            }
        }
        if (b == -1 && bytes.size() == 0) {
            return null;
        }
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }
}
