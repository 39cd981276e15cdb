package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.session.Outbox;
import dev.p2pchat.peer.session.Transfer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What {@code send} prints at the end: the documented JSON shape, the summary line, the exit status. */
class SendReportTest {

    private static final String SHA = "a".repeat(64);

    private static Outbox.Sent sent(String path, String name, boolean folder, long size, Transfer.Result result) {
        return new Outbox.Sent(new Outbox.Entry(Path.of("/home/alice", name), path, folder, size), result);
    }

    private static Transfer.Result ok(long bytes) {
        return new Transfer.Result(true, false, "verified by bob", null, SHA, bytes, Duration.ofMillis(1500));
    }

    private final List<Outbox.Sent> mixed = List.of(
            sent(null, "single.txt", false, 5, ok(5)),
            sent("photos", "empty", true, 0, ok(0)),
            sent("photos/2024", "b.bin", false, 10, new Transfer.Result(false, false,
                    "bob refused 'photos/2024/b.bin': not enough free disk space", null, null, 0, Duration.ZERO)));
    private final List<Outbox.Skipped> skipped = List.of(
            new Outbox.Skipped(Path.of("/home/alice/photos/link"), "photos/link", "a symbolic link: not followed"));

    @Test
    void jsonHasOneVerdictPerFileInTheDocumentedShape() throws Exception {
        JsonNode json = JsonMapper.builder().build().readTree(new SendReport("bob", mixed, skipped).json());

        assertThat(json.propertyNames()).containsExactly("peer", "files", "skipped", "confirmed", "failed");
        assertThat(json.get("peer").stringValue()).isEqualTo("bob");
        assertThat(json.get("confirmed").intValue()).isEqualTo(2);
        assertThat(json.get("failed").intValue()).isEqualTo(1);
        JsonNode first = json.get("files").get(0);
        assertThat(first.propertyNames()).containsExactly("path", "folder", "size", "ok", "sha256", "bytes", "seconds",
                "message");
        assertThat(first.get("path").stringValue()).isEqualTo("single.txt");
        assertThat(first.get("folder").booleanValue()).isFalse();
        assertThat(first.get("size").longValue()).isEqualTo(5);
        assertThat(first.get("ok").booleanValue()).isTrue();
        assertThat(first.get("sha256").stringValue()).isEqualTo(SHA);
        assertThat(first.get("seconds").doubleValue()).isEqualTo(1.5);
        assertThat(json.get("files").get(1).get("path").stringValue()).isEqualTo("photos/empty");
        assertThat(json.get("files").get(1).get("folder").booleanValue()).isTrue();
        JsonNode failed = json.get("files").get(2);
        assertThat(failed.get("path").stringValue()).isEqualTo("photos/2024/b.bin");
        assertThat(failed.get("ok").booleanValue()).isFalse();
        assertThat(failed.get("sha256").isNull()).isTrue();
        assertThat(failed.get("message").stringValue()).endsWith("not enough free disk space");
        assertThat(json.get("skipped").get(0).get("path").stringValue()).isEqualTo("photos/link");
        assertThat(json.get("skipped").get(0).get("reason").stringValue()).isEqualTo("a symbolic link: not followed");
    }

    @Test
    void summaryCountsConfirmedFailedAndSkipped() {
        assertThat(new SendReport("bob", mixed, skipped).summary())
                .isEqualTo("2 of 3 files confirmed by bob (5 B sent); 1 not confirmed; 1 skipped (links or unreadable).");
        assertThat(new SendReport("bob", List.of(mixed.get(0)), List.of()).summary())
                .isEqualTo("1 of 1 file confirmed by bob (5 B sent).");
    }

    @Test
    void exitStatusIs0WhenAllConfirmed9WhenOneWasNot7WhenTheConnectionBroke() {
        assertThat(new SendReport("bob", mixed.subList(0, 2), skipped).exitCode()).isEqualTo(ExitCode.OK);
        assertThat(new SendReport("bob", mixed, skipped).exitCode()).isEqualTo(ExitCode.TRANSFER_FAILED);
        Outbox.Sent lost = sent(null, "big.iso", false, 9, new Transfer.Result(false, true,
                "connection to bob lost", null, null, 3, Duration.ofSeconds(1)));
        assertThat(new SendReport("bob", List.of(mixed.get(0), lost), List.of()).exitCode())
                .isEqualTo(ExitCode.PEER_UNREACHABLE);
    }
}
