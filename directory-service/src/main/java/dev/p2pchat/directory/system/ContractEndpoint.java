package dev.p2pchat.directory.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The REST contract on the management port too ({@code /actuator/contract}), where the API
 * browser at {@code /actuator/swagger-ui} reads it ({@code springdoc.swagger-ui.url=/contract}
 * is taken relative to the actuator's base path). The API port serves it as {@code /openapi.yaml}.
 */
@Component
@WebEndpoint(id = "contract")
class ContractEndpoint {

    private final String yaml;

    ContractEndpoint() {
        try (InputStream in = new ClassPathResource("static/openapi.yaml").getInputStream()) {
            this.yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is missing from the classpath", e);
        }
    }

    @ReadOperation(produces = "application/yaml")
    String contract() {
        return yaml;
    }
}
