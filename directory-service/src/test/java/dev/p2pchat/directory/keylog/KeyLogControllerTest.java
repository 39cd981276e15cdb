package dev.p2pchat.directory.keylog;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.p2pchat.directory.account.AccountRepository;
import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.system.AccountThrottle;
import dev.p2pchat.directory.system.AddressThrottle;
import dev.p2pchat.directory.system.ApiException;
import dev.p2pchat.directory.system.TooManyRequestsException;
import java.time.Duration;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(KeyLogController.class)
class KeyLogControllerTest {

    private static final String TOKEN = "t".repeat(43);
    private static final SignedHead HEAD = new SignedHead(3, "ab".repeat(32), 1_767_261_600_000L, "c2ln");
    private static final LogEntry ENTRY = new LogEntry(2, "alice", "first", "cd".repeat(32), null, 1_767_261_500_000L,
            null, null);

    @Autowired
    MockMvc mvc;
    @MockitoBean
    KeyLog log;
    @MockitoBean
    KeyRotation rotation;
    @MockitoBean
    AddressThrottle throttle;
    @MockitoBean
    AccountRepository accounts;
    @MockitoBean
    SessionService sessions;

    @MockitoBean
    AccountThrottle renewals;

    @BeforeEach
    void authenticate() {
        when(sessions.verify(TOKEN)).thenReturn(new AuthenticatedUser(7, "Alice", "h"));
        when(sessions.verify(eq("x".repeat(43)))).thenThrow(ApiException.unauthorized("unknown"));
    }

    @Test
    void theHeadIsPublic() throws Exception {
        when(log.head()).thenReturn(HEAD);
        mvc.perform(get("/api/v1/log/head"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.size").value(3))
                .andExpect(jsonPath("$.rootHash").value("ab".repeat(32)))
                .andExpect(jsonPath("$.timestamp").value(1_767_261_600_000L))
                .andExpect(jsonPath("$.signature").value("c2ln"));
    }

    @Test
    void aConsistencyProofNamesItsSizes() throws Exception {
        when(log.consistency(1, 3)).thenReturn(List.of("01".repeat(32), "02".repeat(32)));
        mvc.perform(get("/api/v1/log/consistency?from=1&to=3"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.from").value(1))
                .andExpect(jsonPath("$.to").value(3))
                .andExpect(jsonPath("$.proof[1]").value("02".repeat(32)));
    }

    @Test
    void consistencyParametersOutOfRangeAre400() throws Exception {
        for (String query : new String[] {"from=0&to=3", "from=1&to=0", "from=-5&to=3", "from=abc&to=3", "to=3", "from=1",
                "from=1&to=99999999999999999999999"}) {
            mvc.perform(get("/api/v1/log/consistency?" + query))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.status").value(400));
        }
        verifyNoInteractions(log);
        when(log.consistency(3, 2)).thenThrow(new InvalidLogRangeException(5));
        mvc.perform(get("/api/v1/log/consistency?from=3&to=2"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-log-range"))
                .andExpect(jsonPath("$.detail").value("A consistency proof needs 0 < from <= to <= 5 (the log's size)."));
    }

    @Test
    void aKeyHistoryIsOldestFirstWithProofs() throws Exception {
        when(accounts.existsByUsernameKey("alice")).thenReturn(true);
        when(log.history("alice")).thenReturn(new KeyLog.History(HEAD,
                List.of(new KeyLog.Included(ENTRY, List.of("03".repeat(32)))), false));
        mvc.perform(get("/api/v1/log/keys/Alice"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.head.size").value(3))
                .andExpect(jsonPath("$.entries[0].entry.index").value(2))
                .andExpect(jsonPath("$.entries[0].entry.kind").value("first"))
                .andExpect(jsonPath("$.entries[0].entry.previous").value(Matchers.nullValue()))
                .andExpect(jsonPath("$.entries[0].inclusion[0]").value("03".repeat(32)))
                .andExpect(jsonPath("$.entries[0].head").doesNotExist())
                .andExpect(jsonPath("$.truncated").value(false));
    }

    @Test
    void theHistoryOfAnUnknownOrInvalidNameIs404() throws Exception {
        for (String name : new String[] {"nobody", "..", "a".repeat(40), "%00"}) {
            mvc.perform(get("/api/v1/log/keys/" + name))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.type").value("/problems/no-such-account"))
                    .andExpect(jsonPath("$.detail").value(Matchers.not(Matchers.containsString(name))));
        }
        verifyNoInteractions(log);
    }

    @Test
    void theLogKeyIsPublishedWithItsFingerprint() throws Exception {
        when(log.publicKey()).thenReturn(new LogKey.Loaded(null, new byte[] {1, 2, 3}, "ef".repeat(32)));
        mvc.perform(get("/.well-known/p2pchat-log-key"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.algorithm").value("Ed25519"))
                .andExpect(jsonPath("$.publicKey").value("AQID"))
                .andExpect(jsonPath("$.fingerprint").value("ef".repeat(32)));
    }

    @Test
    void everyPublicReadSpendsTheAddressBudget() throws Exception {
        doThrow(new TooManyRequestsException("Too many key log reads from your address", Duration.ofSeconds(3)))
                .when(throttle).take(eq(AddressThrottle.Budget.LOG_READS), anyString());
        for (String path : new String[] {"/api/v1/log/head", "/api/v1/log/consistency?from=1&to=1",
                "/api/v1/log/keys/alice", "/.well-known/p2pchat-log-key"}) {
            mvc.perform(get(path))
                    .andExpect(status().isTooManyRequests())
                    .andExpect(header().string("Retry-After", "3"));
        }
        verifyNoInteractions(log);
    }

    @Test
    void aRotationAnswersTheNewEntryProven() throws Exception {
        LogEntry rotated = new LogEntry(3, "alice", "rotation", "ee".repeat(32), "cd".repeat(32), 1L, "Y2VydA==", "c2ln");
        when(rotation.rotate(7, "alice", "ee".repeat(32), "Y2VydA==", "c2ln")).thenReturn(rotated);
        when(log.prove(rotated)).thenReturn(new KeyLog.Proven(rotated, List.of(), HEAD));
        mvc.perform(rotate("{\"fingerprint\":\"" + "ee".repeat(32) + "\",\"certificate\":\"Y2VydA==\",\"signature\":\"c2ln\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.entry.kind").value("rotation"))
                .andExpect(jsonPath("$.entry.certificate").value("Y2VydA=="))
                .andExpect(jsonPath("$.head.size").value(3))
                .andExpect(jsonPath("$.inclusion").isArray());
    }

    @Test
    void aRotationNeedsAToken() throws Exception {
        mvc.perform(put("/api/v1/keys/current").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isUnauthorized());
        mvc.perform(put("/api/v1/keys/current").header("Authorization", "Bearer " + "x".repeat(43))
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isUnauthorized());
        verifyNoInteractions(rotation);
    }

    @Test
    void malformedRotationsAre400() throws Exception {
        String fp = "ee".repeat(32);
        for (String body : new String[] {"{}", "{\"fingerprint\":\"EE\",\"certificate\":\"Y2VydA==\",\"signature\":\"c2ln\"}",
                "{\"fingerprint\":\"" + fp + "\",\"certificate\":\"not base64!\",\"signature\":\"c2ln\"}",
                "{\"fingerprint\":\"" + fp + "\",\"certificate\":\"" + "A".repeat(5000) + "\",\"signature\":\"c2ln\"}",
                "{\"fingerprint\":\"" + fp + "\",\"certificate\":\"Y2VydA==\",\"signature\":\"" + "A".repeat(300) + "\"}",
                "{\"fingerprint\":\"" + fp + "\",\"certificate\":\"Y2VydA==\"}", "[1]"}) {
            mvc.perform(rotate(body)).andExpect(status().isBadRequest()).andExpect(jsonPath("$.status").value(400));
        }
        verifyNoInteractions(rotation);
    }

    @Test
    void refusedRotationsAre400AndTheSameKeyIs409() throws Exception {
        String body = "{\"fingerprint\":\"" + "ee".repeat(32) + "\",\"certificate\":\"Y2VydA==\",\"signature\":\"c2ln\"}";
        when(rotation.rotate(anyLong(), any(), any(), any(), any()))
                .thenThrow(new InvalidRotationException("the signature does not verify with the current key"))
                .thenThrow(new KeyUnchangedException());
        mvc.perform(rotate(body))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-rotation"))
                .andExpect(jsonPath("$.detail").value("Key rotation refused: the signature does not verify with the current key."));
        mvc.perform(rotate(body))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("/problems/key-unchanged"));
    }

    private static org.springframework.test.web.servlet.RequestBuilder rotate(String body) {
        return put("/api/v1/keys/current").header("Authorization", "Bearer " + TOKEN)
                .contentType(MediaType.APPLICATION_JSON).content(body);
    }
}
