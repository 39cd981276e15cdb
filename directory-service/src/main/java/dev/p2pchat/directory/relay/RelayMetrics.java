package dev.p2pchat.directory.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the relay counts: {@code p2pchat_relay_sessions_active} (spliced now),
 * {@code p2pchat_relay_sessions_waiting} (one side there, waiting for the other),
 * {@code p2pchat_relay_sessions_total} (spliced since start), {@code p2pchat_relay_bytes_total}
 * (copied, both directions), {@code p2pchat_relay_refusals_total{reason}} and
 * {@code p2pchat_relay_observes_total}.
 */
final class RelayMetrics {

    private final Counter sessions;
    private final Counter bytes;
    private final Counter observes;
    private final Map<RelayRefusal.Reason, Counter> refusals = new EnumMap<>(RelayRefusal.Reason.class);

    RelayMetrics(MeterRegistry registry, Supplier<Number> active, Supplier<Number> waiting) {
        Gauge.builder("p2pchat.relay.sessions.active", active).description("Relay sessions spliced now")
                .register(registry);
        Gauge.builder("p2pchat.relay.sessions.waiting", waiting)
                .description("Relay tokens with one side joined, waiting for the other").register(registry);
        sessions = Counter.builder("p2pchat.relay.sessions").description("Relay sessions spliced").register(registry);
        bytes = Counter.builder("p2pchat.relay.bytes").baseUnit("bytes")
                .description("Bytes copied by the relay, both directions").register(registry);
        observes = Counter.builder("p2pchat.relay.observes").description("Observe requests answered")
                .register(registry);
        for (RelayRefusal.Reason reason : RelayRefusal.Reason.values()) {
            refusals.put(reason, Counter.builder("p2pchat.relay.refusals").description("Relay connections refused")
                    .tag("reason", reason.wire()).register(registry));
        }
    }

    void spliced() {
        sessions.increment();
    }

    void copied(int count) {
        bytes.increment(count);
    }

    void observed() {
        observes.increment();
    }

    void refused(RelayRefusal.Reason reason) {
        refusals.get(reason).increment();
    }
}
