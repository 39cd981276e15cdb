package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.system.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Spring's handshake, answering a request that is not a WebSocket upgrade with a 400 problem, not
 * plain text, and granting no extension.
 */
final class ProblemHandshakeHandler extends DefaultHandshakeHandler {

    ProblemHandshakeHandler() {
        super(new WithoutExtensions());
    }

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

    /**
     * Tomcat's upgrade, which never hears the extensions the client asked for: permessage-deflate,
     * which every browser offers, would give each channel a zlib deflater and inflater (about 300
     * KiB outside the heap, ten times what a channel holds otherwise) for messages of a few hundred
     * bytes. (Granting none through Spring is not enough: Tomcat then offers its own.)
     */
    private static final class WithoutExtensions extends StandardWebSocketUpgradeStrategy {

        private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

        @Override
        public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
                            List<WebSocketExtension> selectedExtensions, Principal user, WebSocketHandler handler,
                            Map<String, Object> attributes) throws HandshakeFailureException {
            HttpServletRequest servlet = ((ServletServerHttpRequest) request).getServletRequest();
            HttpServletRequest unextended = new HttpServletRequestWrapper(servlet) {
                @Override
                public String getHeader(String name) {
                    return EXTENSIONS.equalsIgnoreCase(name) ? null : super.getHeader(name);
                }

                @Override
                public Enumeration<String> getHeaders(String name) {
                    return EXTENSIONS.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
                }
            };
            super.upgrade(new ServletServerHttpRequest(unextended), response, selectedProtocol, List.of(), user, handler,
                    attributes);
        }
    }
}
