package dev.p2pchat.directory.system;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.ContractClient;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * {@code X-Forwarded-For} is honoured only from the proxies listed in
 * {@code directory.trusted-proxies}: anyone else who sends it is recorded under the address the
 * connection really comes from.
 */
class TrustedProxiesTest {

    /** The address a published presence records for a caller that claims {@code claimed}. */
    static String recordedAddress(int port, String claimed) {
        ContractClient api = new ContractClient(port);
        String name = "fwd" + Long.toHexString(System.nanoTime());
        api.post("/api/v1/accounts", null, json(Map.of("username", name, "password", "forwarded secret")));
        String token = api.post("/api/v1/sessions", null, json(Map.of("username", name, "password", "forwarded secret")))
                .body().get("token").asString();
        ContractClient.Reply online = api.forwardedFor(claimed).put("/api/v1/presence", token, json(Map.of("port", 7000)));
        assertThat(online.status()).isEqualTo(200);
        return online.body().get("host").asString();
    }

    @Test
    void theFrameworkStrategyWhichBelievesEveryClientIsRefusedAtStartUp() {
        org.springframework.mock.env.MockEnvironment environment = new org.springframework.mock.env.MockEnvironment()
                .withProperty("server.forward-headers-strategy", "FRAMEWORK");
        DirectoryProperties properties = org.springframework.boot.context.properties.bind.Binder.get(environment)
                .bindOrCreate("directory", DirectoryProperties.class);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TrustedProxies(properties, environment))
                .hasMessageContaining("directory.trusted-proxies");
    }

    /** compose.yaml used to set this, which made Tomcat trust the header from every private address. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "server.forward-headers-strategy=native")
    @ActiveProfiles("test")
    class WithNoTrustedProxy {

        @LocalServerPort
        int port;

        @Test
        void aLoopbackClientCannotClaimAnotherAddress() {
            assertThat(recordedAddress(port, "203.0.113.66")).isEqualTo("127.0.0.1");
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "directory.trusted-proxies=192.0.2.1,10.1.0.0/16")
    @ActiveProfiles("test")
    class WithOtherProxiesListed {

        @LocalServerPort
        int port;

        @Test
        void aClientThatIsNotAListedProxyCannotClaimAnotherAddress() {
            assertThat(recordedAddress(port, "203.0.113.66")).isEqualTo("127.0.0.1");
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "directory.trusted-proxies=192.0.2.1,127.0.0.0/8")
    @ActiveProfiles("test")
    class WithTheCallerListedAsAProxy {

        @LocalServerPort
        int port;

        @Test
        void theClientAddressAListedProxyReportsIsRecorded() {
            assertThat(recordedAddress(port, "203.0.113.66")).isEqualTo("203.0.113.66");
        }

        @Test
        void aListedProxyThatAppendsToTheHeaderIsSkippedToTheClientBehindIt() {
            assertThat(recordedAddress(port, "198.51.100.7, 127.0.0.5")).isEqualTo("198.51.100.7");
        }
    }
}
