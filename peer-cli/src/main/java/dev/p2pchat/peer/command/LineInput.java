package dev.p2pchat.peer.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Lines typed by the user, read on a daemon thread so the program can also wait for a session
 * to end. On a terminal it is JLine (history, editing, Ctrl-C cancels the line, Ctrl-D leaves)
 * and incoming text is printed above the prompt; from a pipe it is plain line reading, with
 * messages on stdout and everything else on stderr.
 */
abstract class LineInput implements AutoCloseable {

    /** End of input (Ctrl-D or the end of a pipe). */
    static final String EOF = new String("<eof>");

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private volatile Supplier<String> prompt = () -> "";
    private Thread pump;

    static LineInput open(Cli cli) {
        if (cli.terminal()) {
            try {
                return new JLine(cli.noColor());
            } catch (IOException e) {
                cli.warn("no line editing (" + e.getMessage() + ")");
            }
        }
        return new Plain(cli);
    }

    void prompt(Supplier<String> prompt) {
        this.prompt = prompt;
    }

    String currentPrompt() {
        return prompt.get();
    }

    /** Starts reading; call once. */
    void start() {
        pump = new Thread(() -> {
            try {
                String line;
                while ((line = readOne()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // treated as the end of input
            }
            lines.add(EOF);
        }, "p2pchat-input");
        pump.setDaemon(true);
        pump.start();
    }

    /** The next line, {@link #EOF}, or empty if none came within {@code timeout}. */
    Optional<String> poll(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == EOF) {
            lines.add(EOF);
        }
        return Optional.ofNullable(line);
    }

    /** Blocks until the next line or {@link #EOF}. */
    String take() throws InterruptedException {
        String line = lines.take();
        if (line == EOF) {
            lines.add(EOF);
        }
        return line;
    }

    /** Reads one line, or null at the end. Runs on the pump thread. */
    protected abstract String readOne() throws IOException;

    /**
     * Before {@link #start()}: asks {@code question} on the terminal and reads the answer with
     * line editing, or null at the end of input. Only for the JLine console.
     */
    String ask(String question) {
        throw new UnsupportedOperationException("not a terminal");
    }

    /** Before {@link #start()}: a password, typed without echo through the same line reader. */
    char[] askSecret(String question) {
        throw new UnsupportedOperationException("not a terminal");
    }

    /** A received message: stdout, or above the prompt. */
    abstract void message(String line);

    /** Status for the user: stderr, or above the prompt. */
    abstract void status(String line);

    /** Whether a person is typing (prompts and progress bars make sense). */
    abstract boolean interactive();

    /** Progress lines shown below the prompt (an empty list clears them); only on a terminal. */
    void progress(java.util.List<String> lines) {
    }

    /** Columns available for a line. */
    int width() {
        return 80;
    }

    @Override
    public void close() {
    }

    private static final class Plain extends LineInput {
        private final BufferedReader in;
        private final PrintWriter out;
        private final Cli cli;

        Plain(Cli cli) {
            this.cli = cli;
            this.in = new BufferedReader(new InputStreamReader(cli.stdin(), StandardCharsets.UTF_8));
            this.out = cli.out();
        }

        @Override
        protected String readOne() throws IOException {
            return in.readLine();
        }

        @Override
        void message(String line) {
            synchronized (out) {
                out.println(Text.printableLines(line));
                out.flush();
            }
        }

        @Override
        void status(String line) {
            cli.status(line);
        }

        @Override
        boolean interactive() {
            return false;
        }
    }

    private static final class JLine extends LineInput {
        private final Terminal terminal;
        private final LineReader reader;

        JLine(boolean noColor) throws IOException {
            terminal = TerminalBuilder.builder().system(true).build();
            // history stays in memory: typed lines are private messages
            reader = LineReaderBuilder.builder().terminal(terminal)
                    .option(LineReader.Option.DISABLE_HIGHLIGHTER, noColor)
                    .build();
        }

        @Override
        String ask(String question) {
            try {
                return reader.readLine(Text.printable(question));
            } catch (UserInterruptException | EndOfFileException e) {
                return null;
            }
        }

        @Override
        char[] askSecret(String question) {
            try {
                // a NUL mask echoes nothing; masked lines never enter the history
                return reader.readLine(question, LineReaderImpl.NULL_MASK).toCharArray();
            } catch (UserInterruptException | EndOfFileException e) {
                return null;
            }
        }

        @Override
        protected String readOne() {
            while (true) {
                try {
                    return reader.readLine(currentPrompt());
                } catch (UserInterruptException e) {
                    // Ctrl-C: drop the line being typed
                } catch (EndOfFileException e) {
                    return null;
                }
            }
        }

        @Override
        void message(String line) {
            above(Text.printableLines(line));
        }

        @Override
        void status(String line) {
            above(Text.printableLines(line));
        }

        /** Prints above the line being typed, and redraws it with the prompt as it is now. */
        private void above(String line) {
            if (reader instanceof LineReaderImpl impl) {
                impl.setPrompt(currentPrompt());
            }
            reader.printAbove(line);
        }

        @Override
        boolean interactive() {
            return true;
        }

        @Override
        void progress(java.util.List<String> lines) {
            java.util.List<org.jline.utils.AttributedString> rendered = new java.util.ArrayList<>();
            for (String line : lines) {
                rendered.add(new org.jline.utils.AttributedString(Text.printable(line)));
            }
            synchronized (this) {
                org.jline.utils.Status.getStatus(terminal).update(rendered);
            }
        }

        @Override
        int width() {
            int columns = terminal.getWidth();
            return columns > 20 ? columns - 1 : 80;
        }

        @Override
        public void close() {
            org.jline.utils.Status.getExistingStatus(terminal).ifPresent(status -> status.update(java.util.List.of()));
            try {
                terminal.close();
            } catch (IOException ignored) {
                // leaving anyway
            }
        }
    }
}
