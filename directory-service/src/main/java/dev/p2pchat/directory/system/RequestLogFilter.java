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

/**
 * One log line per API request: method, path, status, duration and client address, as text
 * and as key-value pairs (structured logging, e.g. {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs},
 * turns them into JSON fields). Never headers, query strings or bodies: no password or token
 * can reach the log.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLogFilter extends OncePerRequestFilter {

    static final String LOGGER = "p2pchat.requests";
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
                log.atInfo()
                        .addKeyValue("method", request.getMethod())
                        .addKeyValue("path", request.getRequestURI())
                        .addKeyValue("status", response.getStatus())
                        .addKeyValue("durationMs", millis)
                        .addKeyValue("client", request.getRemoteAddr())
                        .log("{} {} {} {}ms {}", request.getMethod(), request.getRequestURI(), response.getStatus(),
                                millis, request.getRemoteAddr());
            }
        }
    }
}
