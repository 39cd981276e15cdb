package dev.p2pchat.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The whole REST API over real HTTP, every response checked against openapi.yaml, and proof
 * that the implementation and the spec declare the same operations and statuses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Walkthrough.SETTINGS: one BCrypt thread and no queue, so that concurrent logins overflow into
        // 503; the throttle's default budgets; loopback as a trusted proxy, to call from other addresses;
        // one signalling channel per instance, so that the second gets 503; 30 key log reads an address,
        // 20 presence renewals an account
        "directory.bcrypt.pool-size=1", "directory.bcrypt.queue-capacity=0", "directory.bcrypt.cost=8",
        "directory.throttle.failed-logins=10", "directory.throttle.failed-logins-per=1m",
        "directory.throttle.registrations=5", "directory.throttle.registrations-per=1h",
        "directory.trusted-proxies=127.0.0.1", "directory.signal.max-channels=1",
        "directory.throttle.log-reads=30", "directory.throttle.log-reads-per=1d",
        "directory.throttle.renewals=20", "directory.throttle.renewals-per=1d"})
@ActiveProfiles("test")
class DirectoryApiTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    /** The WebSocket endpoints (the signalling channel), upgraded from a GET. */
    @Autowired
    @Qualifier("webSocketHandlerMapping")
    AbstractUrlHandlerMapping webSockets;

    @Test
    void walkThroughEveryCallAndEveryDocumentedStatus() throws Exception {
        Walkthrough.everyCallAndEveryDocumentedStatus(new ContractClient(port));
    }

    @Test
    void theSpecAndTheControllersDeclareTheSameOperations() {
        Set<String> implemented = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> info.getPatternValues().forEach(pattern ->
                info.getMethodsCondition().getMethods().forEach(m -> {
                    if (pattern.startsWith("/api/")) {
                        implemented.add(m.name() + " " + pattern);
                    }
                })));
        webSockets.getHandlerMap().keySet().forEach(path -> implemented.add("GET " + path));
        Set<String> specified = new TreeSet<>();
        spec().getPaths().forEach((path, item) -> item.readOperationsMap().keySet().forEach(m -> {
            if (path.startsWith("/api/")) {
                specified.add(m.name() + " " + path);
            }
        }));
        assertThat(implemented).isEqualTo(specified);
    }

    private static OpenAPI spec() {
        return Walkthrough.spec();
    }
}
