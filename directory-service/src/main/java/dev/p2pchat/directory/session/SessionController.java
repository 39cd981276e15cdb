package dev.p2pchat.directory.session;

import dev.p2pchat.directory.account.ValidPassword;
import dev.p2pchat.directory.account.ValidUsername;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SessionController {

    private final SessionService sessions;

    SessionController(SessionService sessions) {
        this.sessions = sessions;
    }

    @PostMapping(path = "/api/v1/sessions", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    LoginResponse login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
        SessionService.IssuedToken issued =
                sessions.login(request.username(), request.password(), request.fingerprint(), http.getRemoteAddr());
        return new LoginResponse(issued.token(), issued.username(), issued.expiresAt());
    }

    @DeleteMapping("/api/v1/sessions/current")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void logout(AuthenticatedUser user) {
        sessions.logout(user);
    }

    /**
     * Login takes the same password rules as registration: a password that could never have
     * been registered is a 400, not a failed attempt. The fingerprint is the SHA-256 of the
     * peer's identity certificate key, in lowercase hex.
     */
    record LoginRequest(@ValidUsername String username,
                        @ValidPassword char[] password,
                        @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lowercase hex characters")
                        String fingerprint) {
    }

    record LoginResponse(String token, String username, Instant expiresAt) {
    }
}
