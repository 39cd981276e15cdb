package dev.p2pchat.directory.account;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.system.AccountThrottle;
import dev.p2pchat.directory.system.ApiException;
import dev.p2pchat.directory.system.Problems;
import java.time.Instant;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(AccountController.class)
class AccountControllerTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    AccountService accounts;

    @MockitoBean
    SessionService sessions;

    @MockitoBean
    AccountThrottle renewals;

    private static String body(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    @Test
    void registeringAnswers201WithTheAccountAndItsLocation() throws Exception {
        when(accounts.register(eq("Alice"), any(), eq("127.0.0.1"))).thenReturn(new Account("Alice", "$2a$04$x", Instant.EPOCH));

        mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON).content(body("Alice", "correct horse")))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/v1/peers/Alice"))
                .andExpect(content().json("{\"username\":\"Alice\"}", org.springframework.test.json.JsonCompareMode.STRICT));
    }

    @Test
    void invalidUsernamesAndPasswordsAre400WithTheOffendingFields() throws Exception {
        String[][] cases = {
                {"ab", "long enough"}, {"_alice", "long enough"}, {"alice!", "long enough"}, {"a".repeat(33), "long enough"},
                {"alice", "short"}, {"alice", "x".repeat(73)}, {"alice", "é".repeat(37)}};
        for (String[] c : cases) {
            String field = c[0].equals("alice") ? "password" : "username";
            mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON).content(body(c[0], c[1])))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                    .andExpect(jsonPath("$.errors[*].field").value(Matchers.contains(field)));
        }
        verifyNoInteractions(accounts);
    }

    @Test
    void seventyTwoBytesIsTheLongestPassword() throws Exception {
        when(accounts.register(any(), any(), any())).thenReturn(new Account("alice", "$2a$04$x", Instant.EPOCH));

        mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON)
                        .content(body("alice", "é".repeat(36))))
                .andExpect(status().isCreated());
    }

    @Test
    void missingFieldsAre400() throws Exception {
        mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field").value(Matchers.containsInAnyOrder("password", "username")));
    }

    @Test
    void malformedJsonIs400WithoutInternals() throws Exception {
        for (String bad : new String[] {"{\"username\":", "[1,2]", "\"alice\"", "{\"username\":{\"x\":1}}", ""}) {
            mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON).content(bad))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("/problems/malformed-json"))
                    .andExpect(jsonPath("$.detail").value(Matchers.not(Matchers.containsString("Exception"))));
        }
    }

    @Test
    void aWrongContentTypeIs415() throws Exception {
        mvc.perform(post("/api/v1/accounts").contentType(MediaType.TEXT_PLAIN).content("alice"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.type").value("/problems/unsupported-media-type"));
    }

    @Test
    void aBodyOver16KiBIs413() throws Exception {
        mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON)
                        .content(body("alice", "x".repeat(16 * 1024))))
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.type").value("/problems/payload-too-large"));
        verifyNoInteractions(accounts);
    }

    @Test
    void aTakenNameIs409() throws Exception {
        when(accounts.register(any(), any(), any())).thenThrow(new ApiException(HttpStatus.CONFLICT, Problems.USERNAME_TAKEN,
                "Username taken", "The username 'alice' is already taken."));

        mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON).content(body("alice", "long enough")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("/problems/username-taken"))
                .andExpect(jsonPath("$.title").value("Username taken"));
    }

    @Test
    void theResponseNeverContainsThePassword() throws Exception {
        when(accounts.register(any(), any(), any())).thenReturn(new Account("alice", "$2a$04$secret-hash", Instant.EPOCH));

        mvc.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON).content(body("alice", "sup3r s3cret")))
                .andExpect(content().string(Matchers.not(Matchers.containsString("s3cret"))))
                .andExpect(content().string(Matchers.not(Matchers.containsString("$2a$"))));
    }
}
