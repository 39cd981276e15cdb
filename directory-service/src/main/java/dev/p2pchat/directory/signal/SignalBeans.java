package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.presence.PresenceService;
import dev.p2pchat.directory.relay.RelayOffers;
import dev.p2pchat.directory.session.SessionService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/** The signalling channel's parts; {@link SignalConfig} puts them on the WebSocket endpoint. */
@Configuration(proxyBeanMethods = false)
class SignalBeans {

    /**
     * On PostgreSQL, the instances' bus is LISTEN/NOTIFY on a connection of its own (the
     * datasource's URL and credentials); on anything else (H2, one instance) it is in memory.
     * PostgreSQL behind any other URL (a wrapping driver, a URL set elsewhere) refuses to start:
     * with a bus in memory, the instances would never hear each other's logouts and signals.
     */
    @Bean(destroyMethod = "close")
    SignalBus signalBus(Environment environment, JdbcTemplate jdbc) {
        String url = environment.getProperty("spring.datasource.url", "");
        boolean postgres = Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) connection ->
                "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())));
        if (postgres && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("The database is PostgreSQL, but spring.datasource.url (SPRING_DATASOURCE_URL) "
                    + "is not set to a jdbc:postgresql: URL: the instances' signalling bus opens its LISTEN connection with it");
        }
        if (postgres) {
            PostgresSignalBus bus = new PostgresSignalBus(jdbc, url, environment.getProperty("spring.datasource.username"),
                    environment.getProperty("spring.datasource.password"));
            bus.start();
            return bus;
        }
        return new InMemorySignalBus();
    }

    @Bean
    ListenerRecords listenerRecords(JdbcTemplate jdbc, Clock clock, SignalProperties settings) {
        return new ListenerRecords(jdbc, clock, settings.idleTimeout());
    }

    /** Headroom for API requests beside the channels, in the web server's connections. */
    static final int REQUEST_CONNECTIONS = 1000;

    /**
     * Every open channel is a connection of the web server: an instance allowed more channels
     * than connections would stop accepting any (lookups too) before refusing channels. Refuses
     * to start so, naming both settings.
     */
    static void checkConnections(SignalProperties settings, Environment environment) {
        int connections = environment.getProperty("server.tomcat.max-connections", Integer.class, 8192);
        if (connections >= 0 && settings.maxChannels() + REQUEST_CONNECTIONS > connections) {
            throw new IllegalStateException("directory.signal.max-channels (" + settings.maxChannels()
                    + ") needs server.tomcat.max-connections (SERVER_TOMCAT_MAXCONNECTIONS, now " + connections
                    + ") of at least " + (settings.maxChannels() + REQUEST_CONNECTIONS)
                    + ": every channel is a connection, and requests need some beside them");
        }
    }

    @Bean
    SignalRouter signalRouter(SignalBus bus, SessionService sessions, RelayOffers relays, ListenerRecords listeners,
                              PresenceService presence, ExecutorService signalDatabaseWork, Clock clock,
                              SignalProperties settings, MeterRegistry registry, Environment environment) {
        checkConnections(settings, environment);
        SignalRouter.Relays relaySource = new SignalRouter.Relays() {
            @Override
            public RelayOffers.Point point() {
                return relays.point();
            }

            @Override
            public String mint() {
                return relays.mint();
            }
        };
        SignalRouter.Presences presences = new SignalRouter.Presences() {
            @Override
            public Set<String> keepOnline(Collection<String> usernameKeys) {
                return presence.keepOnline(usernameKeys);
            }

            @Override
            public Duration ttl() {
                return presence.ttl();
            }
        };
        SignalRouter.Revocations revocations = new SignalRouter.Revocations() {
            @Override
            public void forget(String tokenKey) {
                sessions.forget(tokenKey);
            }

            @Override
            public void forgetAll() {
                sessions.forgetAll();
            }

            @Override
            public Set<String> stillValid(Collection<String> tokenHashes) {
                return sessions.stillValid(tokenHashes);
            }
        };
        return new SignalRouter(bus, revocations, relaySource, listeners, presences, signalDatabaseWork, clock,
                settings, registry);
    }

    /**
     * The sweep's database statements, one slice at a time; with a few slices waiting already
     * (a database this slow), a slice's are dropped and the next interval renews what they would have.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService signalDatabaseWork() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(4),
                runnable -> {
                    Thread thread = new Thread(runnable, "signal-database");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Pings and closes, which the container sends blocking (each bounded by a timeout). */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService signalControl() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "signal-control-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    SignalHandler signalHandler(SignalRouter router, ExecutorService signalControl) {
        return new SignalHandler(router, signalControl);
    }

    @Bean
    SignalHandshake signalHandshake(SessionService sessions, SignalRouter router) {
        return new SignalHandshake(sessions, router);
    }
}
