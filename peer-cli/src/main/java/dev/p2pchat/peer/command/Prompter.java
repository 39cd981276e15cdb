package dev.p2pchat.peer.command;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Questions of the guided console before the chat starts: java.io.Console on a terminal
 * (passwords without echo), otherwise lines read from stdin byte by byte, so that nothing is
 * read ahead of what the chat input reads afterwards.
 */
final class Prompter {

    private final Cli cli;

    Prompter(Cli cli) {
        this.cli = cli;
    }

    /** The answer, or null at the end of input. */
    String ask(String question) {
        Console console = System.console();
        if (cli.terminal() && console != null) {
            return console.readLine("%s", question);
        }
        cli.status(question);
        try {
            return line(cli.stdin());
        } catch (IOException e) {
            return null;
        }
    }

    char[] password(String question) {
        Console console = System.console();
        if (cli.terminal() && console != null) {
            char[] password = console.readPassword("%s", question);
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
