package dev.p2pchat.peer.e2e;

import dev.p2pchat.directory.DirectoryApplication;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The real directory service, in this JVM, on a random port and a private in-memory database. */
final class Directory implements AutoCloseable {

    private final ConfigurableApplicationContext app;
    private final String url;

    private Directory(ConfigurableApplicationContext app) {
        this.app = app;
        this.url = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    static Directory start() {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(DirectoryApplication.class)
                .logStartupInfo(false)
                .run("--server.port=0", "--server.address=127.0.0.1",
                        "--spring.datasource.url=jdbc:h2:mem:e2e-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                        "--directory.bcrypt.cost=4", "--logging.level.root=WARN", "--spring.main.banner-mode=off");
        return new Directory(app);
    }

    String url() {
        return url;
    }

    @Override
    public void close() {
        app.close();
    }
}
