package dev.p2pchat.directory.session;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.p2pchat.directory.system.AccountThrottle;
import dev.p2pchat.directory.system.ApiException;
import dev.p2pchat.directory.system.Problems;
import java.time.Instant;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(SessionController.class)
class SessionControllerTest {

    private static final String TOKEN = "A".repeat(43);

    @Autowired
    MockMvc mvc;

    @MockitoBean
    SessionService sessions;

    @MockitoBean
    AccountThrottle renewals;

    private static String login(String fingerprint) {
        return "{\"username\":\"alice\",\"password\":\"correct horse\""
                + (fingerprint == null ? "" : ",\"fingerprint\":\"" + fingerprint + "\"") + "}";
    }

    @Test
    void loggingInAnswers201WithTheToken() throws Exception {
        when(sessions.login(eq("alice"), any(), eq("ab".repeat(32)), eq("127.0.0.1")))
                .thenReturn(new SessionService.IssuedToken(TOKEN, "Alice", Instant.parse("2026-01-01T22:00:00Z")));

        mvc.perform(post("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).content(login("ab".repeat(32))))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.token").value(TOKEN))
                .andExpect(jsonPath("$.username").value("Alice"))
                .andExpect(jsonPath("$.expiresAt").value("2026-01-01T22:00:00Z"));
    }

    @Test
    void aBadFingerprintIs400() throws Exception {
        mvc.perform(post("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).content(login("AB".repeat(32))))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("fingerprint"));
        verifyNoInteractions(sessions);
    }

    @Test
    void wrongCredentialsAre401WithAChallenge() throws Exception {
        when(sessions.login(any(), any(), any(), any())).thenThrow(new ApiException(HttpStatus.UNAUTHORIZED,
                Problems.BAD_CREDENTIALS, "Wrong username or password", "The username or password is wrong.",
                Map.of(), ApiException.bearerChallenge()));

        mvc.perform(post("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).content(login(null)))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"p2pchat\""))
                .andExpect(jsonPath("$.type").value("/problems/bad-credentials"));
    }

    @Test
    void aLockedAccountIs423WithLockedUntilAndRetryAfter() throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.set("Retry-After", "900");
        when(sessions.login(any(), any(), any(), any())).thenThrow(new ApiException(HttpStatus.LOCKED, Problems.ACCOUNT_LOCKED,
                "Account locked", "locked", Map.of("lockedUntil", Instant.parse("2026-01-01T10:15:00Z")), headers));

        mvc.perform(post("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).content(login(null)))
                .andExpect(status().isLocked())
                .andExpect(header().string("Retry-After", "900"))
                .andExpect(jsonPath("$.lockedUntil").value("2026-01-01T10:15:00Z"));
    }

    @Test
    void aBusyPasswordPoolIs503WithRetryAfter() throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.set("Retry-After", "1");
        when(sessions.login(any(), any(), any(), any())).thenThrow(new ApiException(HttpStatus.SERVICE_UNAVAILABLE,
                Problems.BUSY, "Busy", "busy", Map.of(), headers));

        mvc.perform(post("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).content(login(null)))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"));
    }

    @Test
    void loggingOutNeedsAToken() throws Exception {
        when(sessions.verify(any())).thenThrow(ApiException.unauthorized("The bearer token is unknown, expired or revoked."));

        mvc.perform(delete("/api/v1/sessions/current"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", Matchers.startsWith("Bearer")));
        mvc.perform(delete("/api/v1/sessions/current").header("Authorization", "Basic YWxpY2U6eA=="))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("Only bearer tokens are accepted."));
        mvc.perform(delete("/api/v1/sessions/current").header("Authorization", "Bearer " + TOKEN))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void loggingOutRevokesTheCallersToken() throws Exception {
        AuthenticatedUser alice = new AuthenticatedUser(7, "alice", "hash");
        when(sessions.verify(TOKEN)).thenReturn(alice);

        mvc.perform(delete("/api/v1/sessions/current").header("Authorization", "bearer " + TOKEN))
                .andExpect(status().isNoContent())
                .andExpect(content().string(""));
        verify(sessions).logout(alice);
    }
}
