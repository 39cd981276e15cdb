package dev.p2pchat.directory.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * One log line per API request: method, route, status, duration and client address, as text
 * and as key-value pairs (structured logging, e.g. {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs},
 * turns them into JSON fields). The route is the template the request matched
 * ({@code /api/v1/peers/{username}}), never the raw path, so the log keeps no record of who
 * looked up whom; a request that matched no route is logged as {@value #UNMATCHED}. Never
 * headers, query strings or bodies either: no password or token can reach the log.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLogFilter extends OncePerRequestFilter {

    static final String LOGGER = "p2pchat.requests";
    static final String UNMATCHED = "(unmatched)";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (log.isInfoEnabled()) {
                String route = route(request);
                log.atInfo()
                        .addKeyValue("method", request.getMethod())
                        .addKeyValue("route", route)
                        .addKeyValue("status", response.getStatus())
                        .addKeyValue("durationMs", millis)
                        .addKeyValue("client", request.getRemoteAddr())
                        .log("{} {} {} {}ms {}", request.getMethod(), route, response.getStatus(),
                                millis, request.getRemoteAddr());
            }
        }
    }

    /** The route template Spring MVC matched (set while it chose the handler), or the placeholder. */
    private static String route(HttpServletRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return pattern instanceof String template && template.startsWith("/api/") ? template : UNMATCHED;
    }
}
