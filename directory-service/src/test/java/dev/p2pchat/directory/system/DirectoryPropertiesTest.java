package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class DirectoryPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DirectoryProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
                    ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void defaultsAreTheDocumentedOnes() {
        runner.run(context -> {
            DirectoryProperties properties = context.getBean(DirectoryProperties.class);
            assertThat(properties.lockout().attempts()).isEqualTo(3);
            assertThat(properties.lockout().duration()).isEqualTo(Duration.ofMinutes(15));
            assertThat(properties.token().ttl()).isEqualTo(Duration.ofHours(12));
            assertThat(properties.presence().ttl()).isEqualTo(Duration.ofSeconds(60));
            assertThat(properties.bcrypt().cost()).isEqualTo(12);
            assertThat(properties.bcrypt().poolSize())
                    .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
            assertThat(properties.dataDir().normalize()).isEqualTo(Path.of("data"));
        });
    }

    @Test
    void presenceIsInMemoryByDefaultAndTheTableStoreCanBeChosen() {
        runner.run(context -> assertThat(context.getBean(DirectoryProperties.class).presence().store())
                .isEqualTo(DirectoryProperties.Presence.Store.MEMORY));
        runner.withPropertyValues("directory.presence.store=table")
                .run(context -> assertThat(context.getBean(DirectoryProperties.class).presence().store())
                        .isEqualTo(DirectoryProperties.Presence.Store.TABLE));
    }

    @Test
    void anUnknownPresenceStoreStopsTheStartNamingTheProperty() {
        runner.withPropertyValues("directory.presence.store=redis")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("directory.presence.store"));
    }

    @Test
    void settingsBindFromRelaxedNames() {
        runner.withPropertyValues("directory.lockout.attempts=5", "directory.lockout.duration=1h",
                        "directory.bcrypt.pool-size=3", "DIRECTORY_TOKEN_TTL=30m")
                .run(context -> {
                    DirectoryProperties properties = context.getBean(DirectoryProperties.class);
                    assertThat(properties.lockout().attempts()).isEqualTo(5);
                    assertThat(properties.lockout().duration()).isEqualTo(Duration.ofHours(1));
                    assertThat(properties.bcrypt().poolSize()).isEqualTo(3);
                });
    }

    @Test
    void trustedProxiesAndThrottleBindFromEnvironmentVariables() {
        java.util.Map<String, Object> env = java.util.Map.of("DIRECTORY_TRUSTEDPROXIES", "10.0.0.7, 172.30.80.0/24,::1",
                "DIRECTORY_THROTTLE_FAILEDLOGINS", "20", "DIRECTORY_THROTTLE_REGISTRATIONSPER", "30m");
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new org.springframework.core.env.SystemEnvironmentPropertySource(
                        org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env)))
                .run(context -> {
                    DirectoryProperties properties = context.getBean(DirectoryProperties.class);
                    assertThat(properties.trustedProxies()).containsExactly("10.0.0.7", "172.30.80.0/24", "::1");
                    assertThat(properties.throttle().failedLogins()).isEqualTo(20);
                    assertThat(properties.throttle().registrationsPer()).isEqualTo(Duration.ofMinutes(30));
                });
    }

    @Test
    void byDefaultNoProxyIsTrustedAndTheThrottleHasItsDocumentedBudgets() {
        runner.run(context -> {
            DirectoryProperties properties = context.getBean(DirectoryProperties.class);
            assertThat(properties.trustedProxies()).isEmpty();
            assertThat(properties.throttle().failedLogins()).isEqualTo(10);
            assertThat(properties.throttle().failedLoginsPer()).isEqualTo(Duration.ofMinutes(1));
            assertThat(properties.throttle().registrations()).isEqualTo(5);
            assertThat(properties.throttle().registrationsPer()).isEqualTo(Duration.ofHours(1));
            assertThat(properties.throttle().maxAddresses()).isEqualTo(50_000);
        });
    }

    @Test
    void invalidSettingsStopTheServiceNamingTheField() {
        String[][] cases = {
                {"directory.lockout.attempts=0", "lockout.attempts"},
                {"directory.lockout.duration=-1m", "lockout.durationPositive"},
                {"directory.bcrypt.cost=3", "bcrypt.cost"}, {"directory.bcrypt.cost=32", "bcrypt.cost"},
                {"directory.bcrypt.pool-size=0", "bcrypt.poolSize"},
                {"directory.presence.ttl=1s", "presence.ttlLongEnough"}, {"directory.token.ttl=0s", "token.ttlPositive"},
                {"directory.trusted-proxies=proxy.example", "trustedProxiesValid"},
                {"directory.trusted-proxies=10.0.0.0/33", "trustedProxiesValid"},
                {"directory.trusted-proxies=10.0.0.1,nginx", "trustedProxiesValid"},
                {"directory.throttle.failed-logins=0", "throttle.failedLogins"},
                {"directory.throttle.failed-logins-per=0s", "throttle.failedLoginsPerInRange"},
                {"directory.throttle.registrations-per=2d", "throttle.registrationsPerInRange"},
                {"directory.throttle.max-addresses=10", "throttle.maxAddresses"}};
        for (String[] c : cases) {
            runner.withPropertyValues(c[0]).run(context -> assertThat(context).hasFailed()
                    .getFailure().hasStackTraceContaining("on field '" + c[1] + "'"));
        }
    }
}
