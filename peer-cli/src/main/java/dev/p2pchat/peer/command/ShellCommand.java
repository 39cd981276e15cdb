package dev.p2pchat.peer.command;

import dev.p2pchat.peer.P2pChat;
import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.Usernames;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.ReceivePolicy;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The guided console of the original program: new or registered user, username (a taken one
 * asks again), password, listening port; then {@code h} help, {@code l} list, {@code c NAME}
 * connect, {@code q} quit, with incoming peers announced and chats as in {@code listen}.
 */
@Command(name = "shell",
        description = "The guided console: log in or register, go online, then h/l/c NAME/q.")
public final class ShellCommand implements Callable<Integer> {

    static final String HELP = String.join(System.lineSeparator(),
            "Commands:",
            "  h          this help",
            "  l          list who is online",
            "  c NAME     connect to NAME and chat",
            "  q          quit",
            "",
            ChatConsole.HELP);

    @ParentCommand
    P2pChat root;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectOptions connectOptions;

    @Mixin
    ReceiveOptions receive;

    /** For tests: how often presence is renewed (the directory's TTL is 60 s; 20 s leaves two retries). */
    @Option(names = "--renew-interval", hidden = true, defaultValue = "20", paramLabel = "SECONDS")
    int renewSeconds;

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli(spec);
        // the console owns the terminal from the first question on: answers and passwords
        // go through its line reader, never through a second reader of the same terminal
        try (LineInput input = LineInput.open(cli)) {
            Prompter prompter = new Prompter(cli, input);
            input.status("p2pchat: chat and send files directly (directory " + cli.server() + ").");
            Home.SavedSession session = logIn(cli, prompter);
            int port = askPort(prompter);
            PeerAccess access = new PeerAccess(cli, session, connectOptions);
            try {
                return run(cli, input, access, session, port);
            } finally {
                access.shutdown();
            }
        }
    }

    private int run(Cli cli, LineInput input, PeerAccess access, Home.SavedSession session, int port)
            throws Exception {
        ChatConsole console = new ChatConsole(cli, input);
        // one policy for every chat of this console: its downloads folder counts all files on their way
        ReceivePolicy policy = receive.policy(cli);
        try (Listening listening = Listening.start(cli, access, console, policy, session, port,
                Listening.renewEvery(renewSeconds))) {
            input.status("Type h for help.");
            input.prompt(() -> console.current() == null ? session.username() + "> "
                    : session.username() + " to " + console.current().peer() + "> ");
            input.start();
            ChatConsole.LineHandler commands = (command, argument) -> command(cli, console, access, session,
                    policy, command, argument);
            while (true) {
                ChatConsole.Action action = console.handle(input.take(), commands);
                if (action == ChatConsole.Action.QUIT || action == ChatConsole.Action.EOF) {
                    break;
                }
            }
            console.awaitSends();
        }
        return ExitCode.OK;
    }

    private Optional<ChatConsole.Action> command(Cli cli, ChatConsole console, PeerAccess access,
                                                 Home.SavedSession session, ReceivePolicy policy, String command,
                                                 String argument) {
        switch (command.toLowerCase(Locale.ROOT)) {
            case "q", "quit" -> {
                return Optional.of(ChatConsole.Action.QUIT);
            }
            case "h", "help", "/help" -> console.input().status(HELP);
            case "l", "list" -> {
                try {
                    List<Directory.PeerSummary> peers = PeersCommand.all(cli.directory(), session.token());
                    if (peers.isEmpty()) {
                        console.input().status("Nobody is online.");
                    }
                    for (Directory.PeerSummary peer : peers) {
                        console.input().status("  " + peer.username()
                                + (peer.username().equalsIgnoreCase(session.username()) ? "  (you)" : ""));
                    }
                } catch (Exception e) {
                    console.input().status(Failures.outcome(e).message());
                }
            }
            case "c", "connect" -> {
                if (!Usernames.isValid(argument)) {
                    console.input().status("Usage: c NAME");
                } else if (argument.equalsIgnoreCase(session.username())) {
                    console.input().status("That is you.");
                } else {
                    try {
                        ChatSession chat = ChatCommand.connect(cli, access, console, argument, null, policy);
                        console.input().status("Type to chat with " + chat.peer() + "; 'close' ends it.");
                    } catch (Exception e) {
                        console.input().status("Cannot connect: " + Failures.outcome(e).message());
                    }
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(ChatConsole.Action.NONE);
    }

    /** New or registered user, username, password, as the original program asked. */
    private Home.SavedSession logIn(Cli cli, Prompter prompter) throws Exception {
        String answer = prompter.ask("Are you a new user? [y/N] ");
        if (answer == null) {
            throw new CliException(ExitCode.USAGE, "no answer on stdin");
        }
        boolean newUser = answer.toLowerCase(Locale.ROOT).startsWith("y");
        while (true) {
            String username = prompter.ask("Username: ");
            if (username == null) {
                throw new CliException(ExitCode.USAGE, "no username on stdin");
            }
            if (!Usernames.isValid(username)) {
                cli.status("A username is 3 to 32 characters of A-Z a-z 0-9 _ . - starting with a letter or digit.");
                continue;
            }
            char[] password = newUser ? newPassword(cli, prompter) : prompter.password("Password: ");
            char[] copy = password.clone();
            try {
                if (newUser) {
                    try {
                        cli.directory().register(username, password);
                        cli.status("Registered " + username + ".");
                    } catch (DirectoryException e) {
                        if (e.kind() == DirectoryException.Kind.TAKEN || e.kind() == DirectoryException.Kind.INVALID) {
                            cli.status(e.getMessage() + "; choose another.");
                            continue;
                        }
                        throw e;
                    }
                }
                try {
                    Directory.Session session = cli.directory().login(username, copy,
                            cli.loginIdentity(username).fingerprint());
                    Home.SavedSession saved = new Home.SavedSession(cli.server().toString(), session.username(),
                            session.token(), session.expiresAt());
                    cli.home().saveSession(saved);
                    cli.status("Logged in as " + session.username() + ".");
                    return saved;
                } catch (DirectoryException e) {
                    if (e.kind() == DirectoryException.Kind.BAD_CREDENTIALS) {
                        cli.status("Wrong username or password; try again.");
                        continue;
                    }
                    throw e;
                }
            } finally {
                java.util.Arrays.fill(password, '\0');
                java.util.Arrays.fill(copy, '\0');
            }
        }
    }

    /** A new password, asked twice, checked against the rule before anything is sent. */
    private static char[] newPassword(Cli cli, Prompter prompter) {
        while (true) {
            char[] password = prompter.password("Password: ");
            String invalid = PasswordOptions.invalid(password);
            if (invalid != null) {
                java.util.Arrays.fill(password, '\0');
                cli.status(invalid);
                continue;
            }
            char[] again = prompter.password("Repeat password: ");
            boolean same = java.util.Arrays.equals(password, again);
            java.util.Arrays.fill(again, '\0');
            if (same) {
                return password;
            }
            java.util.Arrays.fill(password, '\0');
            cli.status("The passwords do not match; try again.");
        }
    }

    private static int askPort(Prompter prompter) {
        while (true) {
            String answer = prompter.ask("Listening port [any free port]: ");
            if (answer == null || answer.isBlank()) {
                return 0;
            }
            try {
                int port = Integer.parseInt(answer.strip());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // ask again
            }
        }
    }

}
