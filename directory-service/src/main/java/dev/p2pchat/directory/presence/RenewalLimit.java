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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * refusal at once costs the directory about what a lookup costs, so a client that ignores {@code
 * Retry-After} and renews as fast as it can would still take half the instance from the lookups.
 * Held, each of its connections makes one request every second or two. The wait holds no thread
 * (the request goes asynchronous and the container's timeout answers it), only the connection and
 * its request, and at most {@link #MAX_HELD} wait at once: beyond, the refusal is at once (a
 * client with that many connections is for the reverse proxy's per-address limits). A held
 * refusal closes its connection, so that the container does not read a body left unsent.
 */
final class RenewalLimit implements HandlerInterceptor {

    /** How long a refused renewal waits for its 429 (the container checks timeouts about once a second). */
    static final Duration REFUSAL_DELAY = Duration.ofSeconds(1);
    /**
     * Refusals that may wait at once, on the whole instance: each keeps the container's request
     * processor and its buffers, about 70 KB (measured: 769 waiting), so at most about 18 MB.
     */
    static final int MAX_HELD = 256;

    private final SessionService sessions;
    private final AccountThrottle throttle;
    private final HandlerExceptionResolver problems;
    private final int maxHeld;
    private final AtomicInteger held = new AtomicInteger();

    RenewalLimit(SessionService sessions, AccountThrottle throttle, HandlerExceptionResolver problems, int maxHeld) {
        this.sessions = sessions;
        this.throttle = throttle;
        this.problems = problems;
        this.maxHeld = maxHeld;
    }

    /** Refusals waiting for their 429 now. */
    int held() {
        return held.get();
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
            if (held.incrementAndGet() > maxHeld) {
                held.decrementAndGet();
                throw refused; // at once: the waiting room is full
            }
            refuseLater(request, response, refused);
            return false;
        }
        request.setAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE, user);
        return true;
    }

    /** Waits in the container, not on a thread; the 429 is written when the wait times out. Holds one of {@link #held}. */
    private void refuseLater(HttpServletRequest request, HttpServletResponse response, TooManyRequestsException refused) {
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                held.decrementAndGet();
            }
        };
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value()); // what the request log records
        response.setHeader(HttpHeaders.CONNECTION, "close");
        AsyncContext waiting;
        try {
            waiting = request.startAsync(request, response);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        waiting.setTimeout(REFUSAL_DELAY.toMillis());
        waiting.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                try {
                    problems.resolveException(request, response, null, refused);
                } finally {
                    release.run();
                    waiting.complete();
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
                release.run();
            }

            @Override
            public void onError(AsyncEvent event) {
                release.run(); // the client went away; the container completes it
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
    }
}
