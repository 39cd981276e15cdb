package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.system.DirectoryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@link PresenceStore} that {@code directory.presence.store} names. */
@Configuration(proxyBeanMethods = false)
class PresenceStores {

    private static final Logger log = LoggerFactory.getLogger(PresenceStores.class);

    @Bean
    PresenceStore presenceStore(DirectoryProperties properties, JdbcClient jdbc) {
        PresenceStore store = switch (properties.presence().store()) {
            case MEMORY -> new MemoryPresenceStore();
            case TABLE -> new TablePresenceStore(jdbc);
        };
        log.info("Presence store: {} (TTL {})", store.name(), properties.presence().ttl());
        return store;
    }
}
