package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.session.InvalidTokenException;
import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.session.ValidToken;
import dev.p2pchat.directory.system.Problems;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Decides an upgrade to {@code /api/v1/signal} before anything is upgraded: the bearer token must
 * be valid (else 401, as every locked call), {@code listen} must be {@code true} or
 * {@code false} if present (else 400), and the instance must have room (else 503 with
 * {@code Retry-After}). Answers are problem details, as everywhere in the API; none repeats the
 * token.
 */
final class SignalHandshake implements HandshakeInterceptor {

    static final String PATH = "/api/v1/signal";

    private final SessionService sessions;
    private final SignalRouter router;

    SignalHandshake(SessionService sessions, SignalRouter router) {
        this.sessions = sessions;
        this.router = router;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) throws IOException {
        ValidToken user;
        try {
            user = sessions.verifyToken(SessionService.bearerToken(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION)));
        } catch (InvalidTokenException e) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"p2pchat\"");
            problem(response, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", e.getMessage(), null);
            return false;
        }
        List<String> listen = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().get("listen");
        if (listen != null && (listen.size() != 1 || !List.of("true", "false").contains(listen.get(0)))) {
            problem(response, HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request",
                    "The request has invalid fields.",
                    List.of(Map.of("field", "listen", "message", "must be true or false")));
            return false;
        }
        if (router.full()) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
            problem(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.BUSY, "Busy",
                    "This directory instance has as many signalling channels open as it may; try again in a few seconds.",
                    null);
            return false;
        }
        attributes.put(SignalHandler.USER, user);
        if (request instanceof org.springframework.http.server.ServletServerHttpRequest servlet) {
            // the client's address as every API call records it (trusted proxies applied)
            attributes.put(SignalHandler.SEEN, servlet.getServletRequest().getRemoteAddr());
        }
        attributes.put(SignalHandler.LISTENING, listen != null && listen.get(0).equals("true"));
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
        // nothing to undo
    }

    /** Writes an RFC 9457 problem as the answer to a refused upgrade. */
    static void problem(ServerHttpResponse response, HttpStatus status, URI type, String title, String detail,
                        List<Map<String, String>> errors) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type.toString());
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", PATH);
        if (errors != null) {
            problem.put("errors", errors);
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getBody().write(Signal.JSON.writeValueAsBytes(problem));
    }
}
