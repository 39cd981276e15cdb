package dev.p2pchat.directory.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Keeps {@code /actuator/**} off the API port. The actuator itself is on the management port
 * only, but springdoc registers the API browser's files for every dispatcher, so without this
 * {@code /actuator/swagger-ui/index.html} would also answer on the API port. This filter belongs
 * to the API port's server only (the management server has its own context), and answers the
 * same 404 problem as any unknown path.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ManagementPathsFilter extends OncePerRequestFilter {

    private final HandlerExceptionResolver problems;

    ManagementPathsFilter(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/actuator") || path.startsWith("/actuator/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpMethod method = HttpMethod.valueOf(request.getMethod());
        problems.resolveException(request, response, null,
                new NoResourceFoundException(method, request.getRequestURI(), request.getRequestURI()));
    }
}
