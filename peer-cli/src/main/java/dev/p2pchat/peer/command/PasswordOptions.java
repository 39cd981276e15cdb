package dev.p2pchat.peer.command;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * Where a password comes from: a prompt without echo on a terminal (the default), the first
 * line of stdin ({@code --password-stdin}) or of a file ({@code --password-file}). Never argv.
 */
public final class PasswordOptions {

    private static final int MAX_LINE = 4096;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin (for scripts).")
    boolean fromStdin;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
    Path file;

    /** Reads the password; asks twice on a terminal when {@code confirm} (registration). */
    public char[] read(Cli cli, String prompt, boolean confirm) {
        if (fromStdin && file != null) {
            throw new CliException(ExitCode.USAGE, "use either --password-stdin or --password-file, not both");
        }
        try {
            if (fromStdin) {
                return firstLine(cli.stdin(), "stdin");
            }
            if (file != null) {
                cli.warnIfOthersCanRead(file);
                try (InputStream in = Files.newInputStream(file)) {
                    return firstLine(in, file.toString());
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot read the password: " + e.getMessage(), e);
        }
        Console console = System.console();
        if (console == null || !cli.terminal()) {
            throw new CliException(ExitCode.USAGE,
                    "no terminal to ask for the password: use --password-stdin or --password-file FILE");
        }
        char[] password = console.readPassword("%s", prompt);
        if (password == null) {
            throw new CliException(ExitCode.INTERRUPTED, "no password given");
        }
        if (confirm) {
            char[] again = console.readPassword("%s", "Repeat password: ");
            boolean same = again != null && Arrays.equals(password, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                Arrays.fill(password, '\0');
                throw new CliException(ExitCode.USAGE, "the passwords do not match");
            }
        }
        return password;
    }

    /**
     * What is wrong with a new password, in one sentence for the user, or null: the directory's
     * rule, 8 to 72 bytes in UTF-8 (BCrypt's limit: longer is refused, never truncated).
     */
    static String invalid(char[] password) {
        int bytes = 0;
        for (int i = 0; i < password.length; i++) {
            char c = password[i];
            if (Character.isHighSurrogate(c) && i + 1 < password.length && Character.isLowSurrogate(password[i + 1])) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                return "Invalid password: it is not valid text.";
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        return bytes < 8 || bytes > 72 ? "Invalid password: it must be 8 to 72 bytes." : null;
    }

    /** The first line (without its line end) as chars, never as a String; the bytes are zeroed. */
    static char[] firstLine(InputStream in, String source) throws IOException {
        byte[] bytes = new byte[MAX_LINE];
        int length = 0;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (length >= MAX_LINE) {
                Arrays.fill(bytes, (byte) 0);
                throw new CliException(ExitCode.USAGE, "the password line in " + source + " is too long");
            }
            bytes[length++] = (byte) b;
        }
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        if (length == 0) {
            Arrays.fill(bytes, (byte) 0);
            throw new CliException(ExitCode.USAGE, "no password in " + source);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCode.USAGE, "the password in " + source + " is not valid UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
