package dev.p2pchat.directory.system;

import org.springdoc.core.configuration.SpringDocConfiguration;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The REST contract is the hand-written {@code openapi.yaml} served at {@code /openapi.yaml},
 * not a spec generated from the code ({@code springdoc.api-docs.enabled=false}). springdoc
 * then switches its UI off too; these three beans, as its FAQ describes, keep the UI (on the
 * management port, {@code /actuator/swagger-ui}, reading {@link ContractEndpoint}) at
 * {@code /swagger-ui.html} browsing the static spec.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfig {

    @Bean
    SpringDocConfiguration springDocConfiguration() {
        return new SpringDocConfiguration();
    }

    @Bean
    SpringDocConfigProperties springDocConfigProperties() {
        return new SpringDocConfigProperties();
    }

    @Bean
    ObjectMapperProvider objectMapperProvider(SpringDocConfigProperties properties) {
        return new ObjectMapperProvider(properties);
    }
}
