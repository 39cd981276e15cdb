package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.system.AccountThrottle;
import dev.p2pchat.directory.system.TooManyRequestsException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Spends the caller's renewal budget ({@code directory.throttle.renewals}) on a {@code PUT
 * /api/v1/presence} before its body is read. The token is checked here (401 as ever) and the
 * caller left for the handler, which does not check it again.
 *
 * <p>A renewal over budget is answered 429 only after {@link #REFUSAL_DELAY}, not at once: a
 * refusal costs the directory half a lookup, so a client that ignores {@code Retry-After} and
 * renews as fast as it can would still take a third of the instance from the lookups. Held, each
 * of its connections makes one request a second. The wait holds no thread (the request goes
 * asynchronous and the container's timeout answers it), and a request holds its connection while
 * it waits, so they are as many as the connections the server accepts.
 */
final class RenewalLimit implements HandlerInterceptor {

    /** How long a refused renewal waits for its 429 (the container checks timeouts about once a second). */
    static final Duration REFUSAL_DELAY = Duration.ofSeconds(1);

    private final SessionService sessions;
    private final AccountThrottle throttle;
    private final HandlerExceptionResolver problems;

    RenewalLimit(SessionService sessions, AccountThrottle throttle, HandlerExceptionResolver problems) {
        this.sessions = sessions;
        this.throttle = throttle;
        this.problems = problems;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!HttpMethod.PUT.matches(request.getMethod())) {
            return true;
        }
        AuthenticatedUser user = sessions.verify(SessionService.bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION)));
        try {
            throttle.take(AccountThrottle.Budget.RENEWALS, user.accountId());
        } catch (TooManyRequestsException refused) {
            refuseLater(request, response, refused);
            return false;
        }
        request.setAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE, user);
        return true;
    }

    private void refuseLater(HttpServletRequest request, HttpServletResponse response, TooManyRequestsException refused) {
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value()); // what the request log records
        AsyncContext waiting = request.startAsync(request, response);
        waiting.setTimeout(REFUSAL_DELAY.toMillis());
        waiting.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                try {
                    problems.resolveException(request, response, null, refused);
                } finally {
                    waiting.complete();
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
    }
}
