package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.session.AuthenticatedUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PresenceController {

    /** A DNS name, an IPv4 address or an IPv6 address (no brackets, no port). */
    static final String HOST_PATTERN =
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
            + "|[0-9A-Fa-f:.]{2,45}";

    private final PresenceService presence;

    PresenceController(PresenceService presence) {
        this.presence = presence;
    }

    /**
     * Goes online or renews. Without {@code host} the directory records the address it sees
     * the request come from (the proxy's client address only when forwarded headers are
     * enabled), so nobody types IP addresses.
     */
    @PutMapping(path = "/api/v1/presence", consumes = MediaType.APPLICATION_JSON_VALUE)
    PresenceResponse publish(AuthenticatedUser user, @Valid @RequestBody PresenceRequest request,
                             HttpServletRequest http) {
        String host = request.host() != null ? request.host() : http.getRemoteAddr();
        Presence published = presence.goOnline(user, host, request.port());
        return new PresenceResponse(published.getUsername(), published.getHost(), published.getPort(),
                published.getExpiresAt());
    }

    @DeleteMapping("/api/v1/presence")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void goOffline(AuthenticatedUser user) {
        presence.goOffline(user);
    }

    record PresenceRequest(@NotNull @Min(1) @Max(65535) Integer port,
                           @Size(max = 253) @Pattern(regexp = HOST_PATTERN, message = "must be a host name or an IP address")
                           String host) {
    }

    record PresenceResponse(String username, String host, int port, Instant expiresAt) {
    }
}
