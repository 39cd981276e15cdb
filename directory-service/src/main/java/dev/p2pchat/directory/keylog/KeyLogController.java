package dev.p2pchat.directory.keylog;

import dev.p2pchat.directory.account.Account;
import dev.p2pchat.directory.account.AccountRepository;
import dev.p2pchat.directory.account.ValidUsername;
import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.system.AddressThrottle;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Base64;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The key log over HTTP: the public reads (latest head, consistency proofs, a user's key
 * history, the log key), each costing one unit of the caller's address budget, and the
 * authenticated key rotation.
 */
@RestController
class KeyLogController {

    private static final java.util.regex.Pattern USERNAME = java.util.regex.Pattern.compile(ValidUsername.PATTERN);

    private final KeyLog log;
    private final KeyRotation rotation;
    private final AddressThrottle throttle;
    private final AccountRepository accounts;

    KeyLogController(KeyLog log, KeyRotation rotation, AddressThrottle throttle, AccountRepository accounts) {
        this.log = log;
        this.rotation = rotation;
        this.throttle = throttle;
        this.accounts = accounts;
    }

    @GetMapping("/api/v1/log/head")
    SignedHead head(HttpServletRequest http) {
        throttle.take(AddressThrottle.Budget.LOG_READS, http.getRemoteAddr());
        return log.head();
    }

    @GetMapping("/api/v1/log/consistency")
    ConsistencyProof consistency(@RequestParam @Min(1) long from,
                                 @RequestParam @Min(1) long to, HttpServletRequest http) {
        throttle.take(AddressThrottle.Budget.LOG_READS, http.getRemoteAddr());
        return new ConsistencyProof(from, to, log.consistency(from, to));
    }

    /** A name that is not a valid username is simply not found (and never echoed), like a lookup. */
    @GetMapping("/api/v1/log/keys/{username}")
    KeyLog.History keys(@PathVariable String username, HttpServletRequest http) {
        throttle.take(AddressThrottle.Budget.LOG_READS, http.getRemoteAddr());
        if (!USERNAME.matcher(username).matches() || !accounts.existsByUsernameKey(Account.key(username))) {
            throw new NoSuchUserException();
        }
        return log.history(Account.key(username));
    }

    @GetMapping("/.well-known/p2pchat-log-key")
    LogPublicKey logKey(HttpServletRequest http) {
        throttle.take(AddressThrottle.Budget.LOG_READS, http.getRemoteAddr());
        LogKey.Loaded key = log.publicKey();
        return new LogPublicKey("Ed25519", Base64.getEncoder().encodeToString(key.publicKey()), key.fingerprint());
    }

    @PutMapping(path = "/api/v1/keys/current", consumes = MediaType.APPLICATION_JSON_VALUE)
    KeyLog.Proven rotate(AuthenticatedUser user, @Valid @RequestBody RotationRequest request) {
        LogEntry entry = rotation.rotate(user.accountId(), Account.key(user.username()),
                request.fingerprint(), request.certificate(), request.signature());
        return log.prove(entry);
    }

    /**
     * The new key's fingerprint, the old self-signed certificate (base64 DER) and the old key's
     * signature (base64) over the rotation text; sizes bounded well above a P-256 certificate
     * (about 400 bytes) and an ECDSA signature (at most 72 bytes).
     */
    record RotationRequest(
            @NotNull @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lowercase hex characters") String fingerprint,
            @NotNull @Pattern(regexp = "[A-Za-z0-9+/]{4,4096}={0,2}", message = "must be base64, at most 4096 characters")
            String certificate,
            @NotNull @Pattern(regexp = "[A-Za-z0-9+/]{4,256}={0,2}", message = "must be base64, at most 256 characters")
            String signature) {
    }

    record ConsistencyProof(long from, long to, List<String> proof) {
    }

    record LogPublicKey(String algorithm, String publicKey, String fingerprint) {
    }
}
