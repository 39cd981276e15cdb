package dev.p2pchat.directory.system;

import java.time.Clock;
import java.time.ZoneOffset;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DirectoryProperties.class)
class SystemConfig {

    /**
     * Time is injected so that lockout and expiry can be tested without sleeping. It ticks in
     * milliseconds, the precision the databases keep and the API shows.
     */
    @Bean
    Clock clock() {
        return Clock.tickMillis(ZoneOffset.UTC);
    }
}
