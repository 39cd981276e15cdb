package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.system.Problems;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/** Spring's handshake, answering a request that is not a WebSocket upgrade with a 400 problem, not plain text. */
final class ProblemHandshakeHandler extends DefaultHandshakeHandler {

    @Override
    protected void handleInvalidUpgradeHeader(ServerHttpRequest request, ServerHttpResponse response) throws IOException {
        notAnUpgrade(response);
    }

    @Override
    protected void handleInvalidConnectHeader(ServerHttpRequest request, ServerHttpResponse response) throws IOException {
        notAnUpgrade(response);
    }

    private static void notAnUpgrade(ServerHttpResponse response) throws IOException {
        SignalHandshake.problem(response, HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Not a WebSocket upgrade",
                "This endpoint is a WebSocket: send 'Connection: Upgrade' and 'Upgrade: websocket'.", null);
    }
}
