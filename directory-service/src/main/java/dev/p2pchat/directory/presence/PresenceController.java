package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.session.AuthenticatedUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
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

    private final PresenceService presence;

    PresenceController(PresenceService presence) {
        this.presence = presence;
    }

    /**
     * Goes online or renews. The directory records the address it observes the request come
     * from (a listed proxy's client, see {@code directory.trusted-proxies}), never one the
     * caller names: a chosen host would let any user point everyone who dials them at any
     * address, such as a machine in the dialers' own network.
     */
    @PutMapping(path = "/api/v1/presence", consumes = MediaType.APPLICATION_JSON_VALUE)
    PresenceResponse publish(AuthenticatedUser user, @Valid @RequestBody PresenceRequest request,
                             HttpServletRequest http) {
        List<LocalAddresses.Address> local = request.addresses() == null ? List.of()
                : request.addresses().stream().map(a -> new LocalAddresses.Address(a.host(), a.port())).toList();
        Presence published = presence.goOnline(user, http.getRemoteAddr(), request.port(), local);
        return new PresenceResponse(published.username(), published.host(), published.port(), published.expiresAt());
    }

    @DeleteMapping("/api/v1/presence")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void goOffline(AuthenticatedUser user) {
        presence.goOffline(user);
    }

    /**
     * {@code host} is only declared to be refused with a clear message (older clients sent it).
     * {@code addresses}: the listener's own interface addresses for its port, optional.
     */
    record PresenceRequest(@NotNull @Min(1) @Max(65535) Integer port,
                           @Null(message = "must not be sent: the directory records the address it observes the "
                                   + "request come from") Object host,
                           @Size(max = LocalAddresses.MAX) List<@NotNull @Valid AddressRequest> addresses) {
    }

    /** One own address: an IP literal, a port, and optionally {@code kind} {@code local}. */
    record AddressRequest(@NotNull @UsableLocalAddress String host,
                          @NotNull @Min(1) @Max(65535) Integer port,
                          @Pattern(regexp = "local", message = "must be local") String kind) {
    }

    record PresenceResponse(String username, String host, int port, Instant expiresAt) {
    }
}
