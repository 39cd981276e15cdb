package dev.p2pchat.peer.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.ReceivePolicy;
import dev.p2pchat.peer.session.Wire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which chat typed lines go to when peers come and go. */
class ChatConsoleFocusTest {

    @TempDir
    Path home;

    private final StringWriter err = new StringWriter();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private ChatConsole console() {
        Cli cli = new Cli(URI.create("http://localhost:8080"), home, null, new ByteArrayInputStream(new byte[0]), false,
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        return new ChatConsole(cli, LineInput.open(cli));
    }

    /** A session whose frames go to {@code sent}; it is never run. */
    private ChatSession session(String peer, ByteArrayOutputStream sent, ChatConsole console) {
        Wire wire = Wire.of(new ByteArrayInputStream(new byte[0]), sent);
        return new ChatSession(peer, false, wire, new FrameReader(wire.in()), new FrameWriter(wire.out()), console,
                console, ReceivePolicy.refuseAll(), timers, ChatSession.Liveness.DEFAULT);
    }

    @Test
    void aPeerWhoConnectsDoesNotTakeTheChatYouAreIn() throws Exception {
        ChatConsole console = console();
        ByteArrayOutputStream toBob = new ByteArrayOutputStream();
        ByteArrayOutputStream toMallory = new ByteArrayOutputStream();
        ChatSession bob = session("bob", toBob, console);
        console.attach(bob, false);

        assertThat(console.attach(session("mallory", toMallory, console), false)).isFalse();
        console.handle("the meeting moved to 5", null);

        assertThat(console.current()).isSameAs(bob);
        assertThat(toMallory.size()).as("nothing reached the newcomer").isZero();
        Frame chat = new FrameReader(new ByteArrayInputStream(toBob.toByteArray())).read();
        assertThat(chat).isEqualTo(new Frame.Chat("the meeting moved to 5"));
    }

    @Test
    void aChatYouOpenTakesTheFocusAndTheFirstIncomingOneToo() {
        ChatConsole console = console();
        ChatSession first = session("alice", new ByteArrayOutputStream(), console);
        console.attach(first, false);
        assertThat(console.current()).as("nobody had the focus").isSameAs(first);

        ChatSession mine = session("carol", new ByteArrayOutputStream(), console);
        console.attach(mine, true);
        assertThat(console.current()).isSameAs(mine);
    }
}
