package dev.p2pchat.directory.presence;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** {@code p2pchat_peers_online}: peers whose presence has not expired, counted at each scrape. */
@Component
class OnlineGauge {

    OnlineGauge(MeterRegistry registry, PresenceStore presence, Clock clock) {
        Gauge.builder("p2pchat.peers.online", presence, store -> store.countOnline(clock.instant()))
                .description("Peers online now (presence not expired)")
                .register(registry);
    }
}
