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
    void invalidSettingsStopTheServiceNamingTheField() {
        String[][] cases = {
                {"directory.lockout.attempts=0", "lockout.attempts"},
                {"directory.lockout.duration=-1m", "lockout.durationPositive"},
                {"directory.bcrypt.cost=3", "bcrypt.cost"}, {"directory.bcrypt.cost=32", "bcrypt.cost"},
                {"directory.bcrypt.pool-size=0", "bcrypt.poolSize"},
                {"directory.presence.ttl=1s", "presence.ttlLongEnough"}, {"directory.token.ttl=0s", "token.ttlPositive"}};
        for (String[] c : cases) {
            runner.withPropertyValues(c[0]).run(context -> assertThat(context).hasFailed()
                    .getFailure().hasStackTraceContaining("on field '" + c[1] + "'"));
        }
    }
}
