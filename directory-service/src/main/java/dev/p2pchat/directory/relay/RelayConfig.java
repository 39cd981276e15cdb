package dev.p2pchat.directory.relay;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RelayProperties.class)
class RelayConfig {

    @Bean
    RelayTokens relayTokens(RelayProperties settings, Clock clock) {
        return RelayOffers.tokens(settings, clock);
    }
}
