package dev.p2pchat.directory.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AccountController {

    private final AccountService accounts;

    AccountController(AccountService accounts) {
        this.accounts = accounts;
    }

    @PostMapping(path = "/api/v1/accounts", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<AccountResponse> register(@Valid @RequestBody RegisterRequest request, HttpServletRequest http) {
        Account account = accounts.register(request.username(), request.password(), http.getRemoteAddr());
        return ResponseEntity.created(URI.create("/api/v1/peers/" + account.getUsername()))
                .body(new AccountResponse(account.getUsername()));
    }

    /** The password is a {@code char[]} so it can be zeroed once hashed. */
    record RegisterRequest(@ValidUsername String username, @ValidPassword char[] password) {
    }

    record AccountResponse(String username) {
    }
}
