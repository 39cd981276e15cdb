package dev.p2pchat.peer;

import dev.p2pchat.peer.command.ChatCommand;
import dev.p2pchat.peer.command.Cli;
import dev.p2pchat.peer.command.CompletionCommand;
import dev.p2pchat.peer.command.Failures;
import dev.p2pchat.peer.command.KeysCommand;
import dev.p2pchat.peer.command.ListenCommand;
import dev.p2pchat.peer.command.LogCommand;
import dev.p2pchat.peer.command.RotateKeyCommand;
import dev.p2pchat.peer.command.VerifyCommand;
import dev.p2pchat.peer.command.LoginCommand;
import dev.p2pchat.peer.command.LogoutCommand;
import dev.p2pchat.peer.command.LookupCommand;
import dev.p2pchat.peer.command.PeersCommand;
import dev.p2pchat.peer.command.RegisterCommand;
import dev.p2pchat.peer.command.SendCommand;
import dev.p2pchat.peer.command.ShellCommand;
import dev.p2pchat.peer.command.WhoamiCommand;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code p2pchat} command: its global options, its subcommands, and {@code main}. */
@Command(name = "p2pchat", mixinStandardHelpOptions = true, versionProvider = P2pChat.Version.class,
        scope = ScopeType.INHERIT,
        description = {"Chat and send files directly between machines, over mutually authenticated TLS.",
                "Without a command, starts the guided console (same as 'p2pchat shell')."},
        subcommands = {RegisterCommand.class, LoginCommand.class, LogoutCommand.class, PeersCommand.class,
                LookupCommand.class, WhoamiCommand.class, ListenCommand.class, ChatCommand.class, SendCommand.class,
                VerifyCommand.class, KeysCommand.class, RotateKeyCommand.class, LogCommand.class,
                ShellCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                " 0:success",
                " 1:unexpected failure or file error",
                " 2:bad command line",
                " 3:directory unreachable or failing",
                " 4:wrong username or password, not logged in, or session expired",
                " 5:account locked",
                " 6:no such user, or user offline",
                " 7:peer unreachable, or connection lost",
                " 8:peer identity mismatch",
                " 9:file refused or not verified",
                "10:the directory's key log failed a check (see 'p2pchat log forget')",
                "130:interrupted"})
public final class P2pChat implements Callable<Integer> {

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:P2PCHAT_SERVER:-http://localhost:8080}",
            description = "Directory service URL (env P2PCHAT_SERVER; default: ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            defaultValue = "${env:P2PCHAT_HOME:-${sys:user.home}/.p2pchat}",
            description = "Identity key, session, known_peers and downloads (env P2PCHAT_HOME; default: ${DEFAULT-VALUE}).")
    Path home;

    @Option(names = "--server-ca", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:P2PCHAT_SERVER_CA}",
            description = "PEM certificate(s) to trust for an https:// directory with a private CA (env P2PCHAT_SERVER_CA).")
    Path serverCa;

    @Option(names = "--log-key", scope = ScopeType.INHERIT, paramLabel = "HEX",
            defaultValue = "${env:P2PCHAT_LOG_KEY}",
            description = "The directory's key log fingerprint, to pin it up front instead of on first use"
                    + " (env P2PCHAT_LOG_KEY; the directory prints it at start-up).")
    String logKey;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only what was asked for and errors: no status lines on stderr.")
    boolean quiet;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;
    private final boolean terminal;

    public P2pChat() {
        this(System.in, System.console() != null);
    }

    /** For tests and embedding: lines and passwords are read from {@code stdin}. */
    public P2pChat(InputStream stdin, boolean terminal) {
        this.stdin = stdin;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        // `p2pchat --version` needs none of the command model: building picocli's (reflective,
        // and not in the CDS archive since picocli is Java 5 bytecode) is most of its start-up
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            for (String line : Version.lines()) {
                System.out.println(line);
            }
            System.exit(0);
        }
        System.exit(commandLine(new P2pChat()).execute(args));
    }

    /** The command line with the error handling every entry point must share. */
    public static CommandLine commandLine(P2pChat root) {
        return commandLine(root, System.getenv());
    }

    /**
     * As above, with the environment given: {@code NO_COLOR} (any non-empty value, see
     * no-color.org) turns every ANSI colour and style off, in help texts and in the console.
     */
    public static CommandLine commandLine(P2pChat root, java.util.Map<String, String> env) {
        CommandLine commandLine = new CommandLine(root);
        commandLine.setExecutionExceptionHandler(new Failures());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        root.noColor = noColor(env);
        if (root.noColor) {
            commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        }
        return commandLine;
    }

    static boolean noColor(java.util.Map<String, String> env) {
        String value = env.get("NO_COLOR");
        return value != null && !value.isEmpty();
    }

    private boolean noColor;

    /** What every subcommand needs: options, streams, home, directory, identity. */
    public Cli cli(CommandLine.Model.CommandSpec commandSpec) {
        return new Cli(server, home, serverCa, stdin, terminal, commandSpec.commandLine().getOut(),
                commandSpec.commandLine().getErr(), quiet, noColor).logKey(logKey);
    }

    @Override
    public Integer call() throws Exception {
        // no command: the guided console, with the same global options
        CommandLine shell = spec.commandLine().getSubcommands().get("shell");
        return shell.execute(spec.commandLine().getParseResult().originalArgs().toArray(String[]::new));
    }

    /** The version from the jar's manifest (the Maven project version). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }

        /** The same lines for picocli's --version and for main's shortcut. */
        static String[] lines() {
            String version = P2pChat.class.getPackage().getImplementationVersion();
            return new String[] {"p2pchat " + (version == null ? "development" : version),
                    "protocol p2pchat/1, Java " + System.getProperty("java.version")};
        }
    }
}
