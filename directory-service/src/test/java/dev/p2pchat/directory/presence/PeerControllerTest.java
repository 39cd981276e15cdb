package dev.p2pchat.directory.presence;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.p2pchat.directory.session.AuthenticatedUser;
import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.system.AccountThrottle;
import dev.p2pchat.directory.system.ApiException;
import dev.p2pchat.directory.system.Problems;
import dev.p2pchat.directory.system.TooManyRequestsException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import dev.p2pchat.directory.keylog.KeyLog;
import dev.p2pchat.directory.keylog.LogEntry;
import dev.p2pchat.directory.keylog.SignedHead;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest({PeerController.class, PresenceController.class})
class PeerControllerTest {

    private static final String TOKEN = "t".repeat(43);
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private final AuthenticatedUser alice = new AuthenticatedUser(1, "alice", "h");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    PresenceService presence;

    @MockitoBean
    SessionService sessions;

    @MockitoBean
    KeyLog keyLog;

    @MockitoBean
    AccountThrottle renewals;

    @BeforeEach
    void authenticate() {
        when(sessions.verify(TOKEN)).thenReturn(alice);
        when(sessions.verify(eq("x".repeat(43)))).thenThrow(ApiException.unauthorized("unknown"));
    }

    @Test
    void everyCallNeedsABearerToken() throws Exception {
        when(sessions.verify(any())).thenThrow(ApiException.unauthorized("The bearer token is unknown, expired or revoked."));
        mvc.perform(get("/api/v1/peers")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/peers/bob")).andExpect(status().isUnauthorized());
        mvc.perform(put("/api/v1/presence").contentType(MediaType.APPLICATION_JSON).content("{\"port\":7000}"))
                .andExpect(status().isUnauthorized());
        verifyNoInteractions(presence);
    }

    @Test
    void theListHasOnePageAndTheCursorOfTheNext() throws Exception {
        Presence bob = new Presence(2, "bob", "bob", "127.0.0.1", 7000, null, NOW, NOW.plusSeconds(60));
        when(presence.online(1, "alice")).thenReturn(new PresenceService.Page(List.of(bob), "bob"));

        mvc.perform(get("/api/v1/peers?limit=1&after=alice").header("Authorization", "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.peers[0].username").value("bob"))
                .andExpect(jsonPath("$.peers[0].lastSeen").value("2026-01-01T10:00:00Z"))
                .andExpect(jsonPath("$.next").value("bob"));
    }

    @Test
    void badPagingParametersAre400() throws Exception {
        for (String query : new String[] {"limit=0", "limit=501", "limit=abc", "after=..", "after=" + "a".repeat(40)}) {
            mvc.perform(get("/api/v1/peers?" + query).header("Authorization", "Bearer " + TOKEN))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.status").value(400));
        }
        verify(presence, org.mockito.Mockito.never()).online(anyInt(), any());
    }

    @Test
    void anOfflinePeerHasNoAddress() throws Exception {
        when(presence.lookup("bob")).thenReturn(new PeerView("Bob", "cd".repeat(32), NOW, null, null, null, List.of(), false));

        mvc.perform(get("/api/v1/peers/bob").header("Authorization", "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.username").value("Bob"))
                .andExpect(jsonPath("$.online").value(false))
                .andExpect(jsonPath("$.host").value(Matchers.nullValue()))
                .andExpect(jsonPath("$.port").value(Matchers.nullValue()))
                .andExpect(jsonPath("$.fingerprint").value("cd".repeat(32)))
                .andExpect(jsonPath("$.lastSeen").value("2026-01-01T10:00:00Z"))
                .andExpect(jsonPath("$.signal").value(false))
                .andExpect(jsonPath("$.addresses").isEmpty())
                .andExpect(jsonPath("$.keyLog").value(Matchers.nullValue()));
    }

    @Test
    void aLookupCarriesTheLatestKeyEntryItsProofAndTheSignedHead() throws Exception {
        when(presence.lookup("bob")).thenReturn(new PeerView("Bob", "cd".repeat(32), NOW, null, null, null, List.of(), false));
        LogEntry entry = new LogEntry(4, "bob", "reset", "cd".repeat(32), "ab".repeat(32), 1_767_261_600_000L, null, null);
        when(keyLog.proveLatest("bob")).thenReturn(Optional.of(new KeyLog.Proven(entry, List.of("01".repeat(32), "02".repeat(32)),
                new SignedHead(6, "ef".repeat(32), 1_767_261_600_123L, "c2lnbmF0dXJl"))));

        mvc.perform(get("/api/v1/peers/bob").header("Authorization", "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.fingerprint").value("cd".repeat(32)))
                .andExpect(jsonPath("$.keyLog.entry.index").value(4))
                .andExpect(jsonPath("$.keyLog.entry.username").value("bob"))
                .andExpect(jsonPath("$.keyLog.entry.kind").value("reset"))
                .andExpect(jsonPath("$.keyLog.entry.fingerprint").value("cd".repeat(32)))
                .andExpect(jsonPath("$.keyLog.entry.previous").value("ab".repeat(32)))
                .andExpect(jsonPath("$.keyLog.entry.time").value(1_767_261_600_000L))
                .andExpect(jsonPath("$.keyLog.entry.certificate").value(Matchers.nullValue()))
                .andExpect(jsonPath("$.keyLog.entry.signature").value(Matchers.nullValue()))
                .andExpect(jsonPath("$.keyLog.inclusion[1]").value("02".repeat(32)))
                .andExpect(jsonPath("$.keyLog.head.size").value(6))
                .andExpect(jsonPath("$.keyLog.head.rootHash").value("ef".repeat(32)))
                .andExpect(jsonPath("$.keyLog.head.timestamp").value(1_767_261_600_123L))
                .andExpect(jsonPath("$.keyLog.head.signature").value("c2lnbmF0dXJl"));
    }

    @Test
    void aLookupSaysWhetherThePeerCanBeSignalledAndItsOwnAddresses() throws Exception {
        when(presence.lookup("bob")).thenReturn(new PeerView("Bob", "cd".repeat(32), NOW, "198.51.100.7", 7000, NOW,
                List.of(new LocalAddresses.Address("192.168.1.20", 7000), new LocalAddresses.Address("2001:db8::20", 7000)),
                true));

        mvc.perform(get("/api/v1/peers/bob").header("Authorization", "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.signal").value(true))
                .andExpect(jsonPath("$.addresses[0].host").value("192.168.1.20"))
                .andExpect(jsonPath("$.addresses[0].port").value(7000))
                .andExpect(jsonPath("$.addresses[0].kind").value("local"))
                .andExpect(jsonPath("$.addresses[1].host").value("2001:db8::20"));
    }

    @Test
    void presenceTakesTheListenersOwnAddresses() throws Exception {
        when(presence.goOnline(any(), any(), anyInt(), any())).thenAnswer(call -> new Presence(1, "alice", "alice",
                call.getArgument(1), call.getArgument(2), null, NOW, NOW.plusSeconds(60)));

        mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                {"port":7000,"addresses":[{"host":"192.168.1.20","port":7000,"kind":"local"},
                                 {"host":"2001:DB8:0:0::20","port":7000}]}"""))
                .andExpect(status().isOk());

        verify(presence).goOnline(any(), any(), org.mockito.ArgumentMatchers.eq(7000), org.mockito.ArgumentMatchers.eq(
                List.of(new LocalAddresses.Address("192.168.1.20", 7000), new LocalAddresses.Address("2001:DB8:0:0::20", 7000))));
    }

    /** Names, loopback, link-local, unspecified and multicast addresses could only point dialers at themselves. */
    @Test
    void ownAddressesThatAreNotUsableLiteralsAreRefused() throws Exception {
        for (String address : new String[] {"{\"host\":\"printer.lan\",\"port\":7000}",
                "{\"host\":\"127.0.0.1\",\"port\":7000}", "{\"host\":\"::1\",\"port\":7000}",
                "{\"host\":\"169.254.1.1\",\"port\":7000}", "{\"host\":\"fe80::1\",\"port\":7000}",
                "{\"host\":\"0.0.0.0\",\"port\":7000}", "{\"host\":\"224.0.0.1\",\"port\":7000}",
                "{\"host\":\"[2001:db8::1]\",\"port\":7000}", "{\"host\":\"192.168.1.300\",\"port\":7000}",
                "{\"host\":\"192.168.1.2\",\"port\":0}", "{\"host\":\"192.168.1.2\",\"port\":7000,\"kind\":\"observed\"}",
                "{\"port\":7000}", "null"}) {
            mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"port\":7000,\"addresses\":[" + address + "]}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.errors[0].field").value(Matchers.startsWith("addresses[0]")));
        }
        String nine = String.join(",", java.util.Collections.nCopies(9, "{\"host\":\"192.168.1.2\",\"port\":7000}"));
        mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"port\":7000,\"addresses\":[" + nine + "]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("addresses"));
        verify(presence, org.mockito.Mockito.never()).goOnline(any(), any(), anyInt(), any());
    }

    @Test
    void anUnknownPeerIs404() throws Exception {
        when(presence.lookup(any())).thenThrow(new ApiException(HttpStatus.NOT_FOUND, Problems.NO_SUCH_ACCOUNT,
                "No such account", "No account has that username."));

        mvc.perform(get("/api/v1/peers/nobody").header("Authorization", "Bearer " + TOKEN))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/problems/no-such-account"));
    }

    @Test
    void presenceRecordsTheObservedAddress() throws Exception {
        when(presence.goOnline(any(), any(), anyInt(), any())).thenAnswer(call -> new Presence(1, "alice", "alice",
                call.getArgument(1), call.getArgument(2), null, NOW, NOW.plusSeconds(60)));

        mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"port\":7000}")
                        .with(request -> {
                            request.setRemoteAddr("192.0.2.10");
                            return request;
                        }))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.host").value("192.0.2.10"))
                .andExpect(jsonPath("$.port").value(7000))
                .andExpect(jsonPath("$.expiresAt").value("2026-01-01T10:01:00Z"));
        verify(sessions, times(1)).verify(TOKEN); // by the renewal budget's check; the handler reuses it
        mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"port\":7001,\"host\":null}")
                        .with(request -> {
                            request.setRemoteAddr("192.0.2.10");
                            return request;
                        }))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.host").value("192.0.2.10"));
    }

    /** A chosen host would let any user point everyone who dials them at any address, e.g. in the dialers' LAN. */
    @Test
    void aPresenceThatNamesItsOwnHostIsRefused() throws Exception {
        for (String host : new String[] {"10.0.0.1", "printer.lan", "192.0.2.10"}) {
            mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                            .contentType(MediaType.APPLICATION_JSON).content("{\"port\":9100,\"host\":\"" + host + "\"}")
                            .with(request -> {
                                request.setRemoteAddr("192.0.2.10");
                                return request;
                            }))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                    .andExpect(jsonPath("$.errors[0].field").value("host"))
                    .andExpect(jsonPath("$.errors[0].message").value(Matchers.containsString("records the address it observes")));
        }
        verifyNoInteractions(presence);
    }

    @Test
    void invalidPresenceIs400() throws Exception {
        for (String body : new String[] {"{}", "{\"port\":0}", "{\"port\":65536}", "{\"port\":\"x\"}",
                "{\"port\":7000,\"host\":\"bad host\"}", "{\"port\":7000,\"host\":\"" + "a".repeat(300) + "\"}"}) {
            mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                            .contentType(MediaType.APPLICATION_JSON).content(body))
                    .andExpect(status().isBadRequest());
        }
        verifyNoInteractions(presence);
    }

    @Test
    void aRenewalOverTheAccountsBudgetNeverReachesTheService() throws Exception {
        doThrow(new TooManyRequestsException("Too many presence renewals for your account", Duration.ofSeconds(3)))
                .when(renewals).take(AccountThrottle.Budget.RENEWALS, 1);

        mvc.perform(put("/api/v1/presence").header("Authorization", "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"port\":7000}"))
                .andExpect(request().asyncStarted()); // answered 429 later, by the container (RenewalLimitTest)
        mvc.perform(delete("/api/v1/presence").header("Authorization", "Bearer " + TOKEN))
                .andExpect(status().isNoContent());

        verify(presence).goOffline(alice);
        verifyNoMoreInteractions(presence);
    }
}
