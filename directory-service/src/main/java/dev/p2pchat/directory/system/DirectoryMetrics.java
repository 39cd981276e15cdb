package dev.p2pchat.directory.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The directory's own counters, exported at {@code /actuator/prometheus} next to Spring's
 * request latency ({@code http_server_requests_seconds}): logins by outcome and registrations
 * by outcome, {@code throttled} counting the attempts refused by {@link AddressThrottle}. The
 * online gauge lives with presence.
 */
@Component
public class DirectoryMetrics {

    public enum Login { OK, FAILED, LOCKED, BUSY, THROTTLED }

    public enum Registration { CREATED, TAKEN, BUSY, THROTTLED }

    private final Map<Login, Counter> logins = new EnumMap<>(Login.class);
    private final Map<Registration, Counter> registrations = new EnumMap<>(Registration.class);

    public DirectoryMetrics(MeterRegistry registry) {
        for (Login outcome : Login.values()) {
            logins.put(outcome, Counter.builder("p2pchat.logins").description("Login attempts by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (Registration outcome : Registration.values()) {
            registrations.put(outcome, Counter.builder("p2pchat.registrations").description("Registrations by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    public void login(Login outcome) {
        logins.get(outcome).increment();
    }

    public void registration(Registration outcome) {
        registrations.get(outcome).increment();
    }
}
