package dev.p2pchat.peer.command;

import dev.p2pchat.peer.session.Outbox;
import dev.p2pchat.peer.session.Sizes;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code send} says at the end: a summary line, or with {@code --json} one document with a
 * verdict per file (the README's "For scripts" documents its shape), and the exit status.
 */
final class SendReport {

    /** One file or empty folder: where it was in what was sent, and how it ended. */
    record FileJson(String path, boolean folder, long size, boolean ok, String sha256, long bytes, double seconds,
                    String message) {
    }

    record SkippedJson(String path, String reason) {
    }

    /** The stable shape of {@code send --json}. */
    record Json(String peer, List<FileJson> files, List<SkippedJson> skipped, int confirmed, int failed) {
    }

    private final String peer;
    private final List<Outbox.Sent> sent;
    private final List<Outbox.Skipped> skipped;

    SendReport(String peer, List<Outbox.Sent> sent, List<Outbox.Skipped> skipped) {
        this.peer = peer;
        this.sent = sent;
        this.skipped = skipped;
    }

    int confirmed() {
        return (int) sent.stream().filter(s -> s.result().ok()).count();
    }

    int failed() {
        return sent.size() - confirmed();
    }

    /** 0 when every file was confirmed; 7 when the connection broke; 9 when a file was not confirmed. */
    int exitCode() {
        if (sent.stream().anyMatch(s -> s.result().lost())) {
            return ExitCode.PEER_UNREACHABLE;
        }
        return failed() > 0 ? ExitCode.TRANSFER_FAILED : ExitCode.OK;
    }

    /** One line: how many were confirmed, how many bytes, how many not, how many skipped. */
    String summary() {
        long bytes = sent.stream().filter(s -> s.result().ok()).mapToLong(s -> s.result().bytes()).sum();
        StringBuilder line = new StringBuilder();
        line.append(confirmed()).append(" of ").append(sent.size()).append(sent.size() == 1 ? " file" : " files")
                .append(" confirmed by ").append(Text.printable(peer)).append(" (").append(Sizes.human(bytes))
                .append(" sent)");
        if (failed() > 0) {
            line.append("; ").append(failed()).append(" not confirmed");
        }
        if (!skipped.isEmpty()) {
            line.append("; ").append(skipped.size()).append(" skipped (links or unreadable)");
        }
        return line.append('.').toString();
    }

    String json() {
        List<FileJson> files = sent.stream().map(s -> new FileJson(s.entry().shown(), s.entry().folder(),
                s.entry().size(), s.result().ok(), s.result().sha256(), s.result().bytes(),
                s.result().time().toNanos() / 1e9, s.result().message())).toList();
        List<SkippedJson> left = skipped.stream().map(s -> new SkippedJson(s.shown(), s.reason())).toList();
        return JsonMapper.builder().build().writeValueAsString(new Json(peer, files, left, confirmed(), failed()));
    }
}
