package dev.p2pchat.peer.command;

import dev.p2pchat.peer.connect.ConnectException;
import dev.p2pchat.peer.directory.DirectoryException;
import dev.p2pchat.peer.identity.IdentityException;
import dev.p2pchat.peer.keylog.KeyLogException;
import dev.p2pchat.peer.transport.FingerprintMismatchException;
import dev.p2pchat.peer.transport.TransportException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns the failures a user can meet into one line on stderr and a documented exit status. A
 * stack trace is shown only for our own bugs, and only with {@code P2PCHAT_DEBUG=1}.
 */
public final class Failures implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        Outcome outcome = outcome(ex);
        // messages may quote a peer or the directory: never let them carry terminal escapes
        err.println("p2pchat: " + Text.printable(outcome.message()));
        if (outcome.code() == ExitCode.FAILURE && System.getenv("P2PCHAT_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return outcome.code();
    }

    public record Outcome(int code, String message) {
    }

    /** The exit status and message for a failure (also used by the interactive console). */
    public static Outcome outcome(Throwable ex) {
        if (ex instanceof CliException cli) {
            return new Outcome(cli.exitCode(), cli.getMessage());
        }
        if (ex instanceof DirectoryException directory) {
            return new Outcome(switch (directory.kind()) {
                case UNREACHABLE, SERVER, BUSY, BAD_ANSWER -> ExitCode.DIRECTORY_UNREACHABLE;
                case BAD_CREDENTIALS, UNAUTHORIZED -> ExitCode.AUTHENTICATION;
                case LOCKED -> ExitCode.LOCKED;
                case NOT_FOUND -> ExitCode.PEER_UNAVAILABLE;
                case TAKEN, INVALID -> ExitCode.USAGE;
            }, directory.getMessage());
        }
        if (ex instanceof ConnectException connect) {
            return new Outcome(switch (connect.reason()) {
                case OFFLINE, NO_KEY -> ExitCode.PEER_UNAVAILABLE;
                case KEY_CHANGED, IDENTITY_MISMATCH -> ExitCode.IDENTITY_MISMATCH;
                case UNREACHABLE -> ExitCode.PEER_UNREACHABLE;
                case DIRECTORY_DOWN -> ExitCode.DIRECTORY_UNREACHABLE;
                case KEY_LOG -> ExitCode.KEY_LOG;
            }, connect.getMessage());
        }
        if (ex instanceof KeyLogException keyLog) {
            return new Outcome(ExitCode.KEY_LOG, "REFUSED: " + keyLog.getMessage());
        }
        if (ex instanceof FingerprintMismatchException mismatch) {
            return new Outcome(ExitCode.IDENTITY_MISMATCH, mismatch.getMessage());
        }
        if (ex instanceof TransportException transport) {
            return new Outcome(ExitCode.PEER_UNREACHABLE, transport.getMessage());
        }
        if (ex instanceof IdentityException identity) {
            return new Outcome(ExitCode.FAILURE, identity.getMessage());
        }
        if (ex instanceof InterruptedException) {
            return new Outcome(ExitCode.INTERRUPTED, "interrupted");
        }
        if (ex instanceof IOException io) {
            return new Outcome(ExitCode.FAILURE, io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage());
        }
        return new Outcome(ExitCode.FAILURE, "unexpected error: " + ex
                + " (set P2PCHAT_DEBUG=1 for details; please report it)");
    }
}
