package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.system.AccountThrottle;
import dev.p2pchat.directory.system.TooManyRequestsException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;

/** The refusals that wait for their 429: how many may, and what each is answered. No server: the servlet API's mocks. */
class RenewalLimitWaitingRoomTest {

    private static final String TOKEN = "t".repeat(43);
    private final SessionService sessions = mock(SessionService.class);
    private final AccountThrottle throttle = mock(AccountThrottle.class);
    private final HandlerExceptionResolver problems = mock(HandlerExceptionResolver.class);
    private final RenewalLimit limit = new RenewalLimit(sessions, throttle, problems, 2);
    private final TooManyRequestsException refused =
            new TooManyRequestsException("Too many presence renewals for your account", Duration.ofSeconds(3));

    RenewalLimitWaitingRoomTest() {
        when(sessions.verify(TOKEN)).thenReturn(new AuthenticatedUser(7, "alice", "h"));
    }

    private static MockHttpServletRequest renewal() {
        MockHttpServletRequest request = new MockHttpServletRequest("PUT", "/api/v1/presence");
        request.addHeader("Authorization", "Bearer " + TOKEN);
        request.setAsyncSupported(true);
        return request;
    }

    private int held() {
        return limit.held();
    }

    @Test
    void withinTheBudgetTheCallerGoesOnCheckedOnce() {
        MockHttpServletRequest request = renewal();

        assertThat(limit.preHandle(request, new MockHttpServletResponse(), null)).isTrue();

        assertThat(request.getAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE))
                .isEqualTo(new AuthenticatedUser(7, "alice", "h"));
        verify(throttle).take(AccountThrottle.Budget.RENEWALS, 7);
    }

    @Test
    void overTheBudgetTheRefusalWaitsThenIs429AndClosesTheConnection() throws Exception {
        doThrow(refused).when(throttle).take(AccountThrottle.Budget.RENEWALS, 7);
        MockHttpServletRequest request = renewal();
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(limit.preHandle(request, response, null)).isFalse();

        assertThat(request.isAsyncStarted()).isTrue();
        MockAsyncContext waiting = (MockAsyncContext) request.getAsyncContext();
        assertThat(waiting.getTimeout()).isEqualTo(RenewalLimit.REFUSAL_DELAY.toMillis());
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(held()).isEqualTo(1);

        for (AsyncListener listener : waiting.getListeners()) {
            listener.onTimeout(new AsyncEvent(waiting));
        }

        verify(problems).resolveException(eq(request), eq(response), any(), eq(refused));
        assertThat(held()).isZero();
    }

    @Test
    void whenTheWaitingRoomIsFullTheRefusalIsAtOnceAndAWaitThatEndsMakesRoom() throws Exception {
        doThrow(refused).when(throttle).take(AccountThrottle.Budget.RENEWALS, 7);
        MockHttpServletRequest first = renewal();
        assertThat(limit.preHandle(first, new MockHttpServletResponse(), null)).isFalse();
        assertThat(limit.preHandle(renewal(), new MockHttpServletResponse(), null)).isFalse();

        MockHttpServletRequest third = renewal();
        MockHttpServletResponse thirdResponse = new MockHttpServletResponse();
        assertThat(catchThrowableOfType(TooManyRequestsException.class, () -> limit.preHandle(third, thirdResponse, null)))
                .isSameAs(refused);
        assertThat(third.isAsyncStarted()).isFalse();
        assertThat(thirdResponse.getHeader("Connection")).as("kept: a reconnect costs more than the refusal").isNull();
        assertThat(held()).isEqualTo(2);

        MockAsyncContext gone = (MockAsyncContext) first.getAsyncContext();
        for (AsyncListener listener : gone.getListeners()) { // the client hung up, then the container completed it
            listener.onError(new AsyncEvent(gone));
            listener.onComplete(new AsyncEvent(gone));
        }
        assertThat(held()).as("released once").isEqualTo(1);
        assertThat(limit.preHandle(renewal(), new MockHttpServletResponse(), null)).isFalse();
        assertThat(held()).isEqualTo(2);
    }

    @Test
    void aWaitIsGivenBackWhenTheRequestCannotGoAsynchronousOrItsAnswerFails() throws Exception {
        doThrow(refused).when(throttle).take(AccountThrottle.Budget.RENEWALS, 7);
        MockHttpServletRequest synchronous = renewal();
        synchronous.setAsyncSupported(false);

        assertThatThrownBy(() -> limit.preHandle(synchronous, new MockHttpServletResponse(), null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(held()).isZero();

        MockHttpServletRequest request = renewal();
        MockHttpServletResponse response = new MockHttpServletResponse();
        assertThat(limit.preHandle(request, response, null)).isFalse();
        when(problems.resolveException(any(), any(), any(), any())).thenThrow(new IllegalStateException("no writer"));
        MockAsyncContext waiting = (MockAsyncContext) request.getAsyncContext();
        AsyncListener listener = waiting.getListeners().get(0);

        assertThatThrownBy(() -> listener.onTimeout(new AsyncEvent(waiting))).hasMessage("no writer");
        assertThat(held()).isZero();
        assertThat(request.isAsyncStarted()).as("completed all the same").isFalse();
    }

    @Test
    void goingOfflineIsLeftAlone() {
        MockHttpServletRequest request = new MockHttpServletRequest("DELETE", "/api/v1/presence");

        assertThat(limit.preHandle(request, new MockHttpServletResponse(), null)).isTrue();

        verify(throttle, org.mockito.Mockito.never()).take(any(), org.mockito.ArgumentMatchers.anyLong());
    }
}
