package dev.p2pchat.directory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableScheduling
public class DirectoryApplication {

    /**
     * Tomcat's WebSocket read, write and encoding buffers: three per open signalling channel, held
     * for its whole life, 8 KiB each unless this system property says otherwise. Tomcat reads it
     * once, when its WebSocket classes load, so it is set here, before the web server starts; a
     * value given with {@code -D} wins. 1 KiB buffers take any frame (larger ones in parts) and
     * save 21 KiB per channel.
     */
    static final String WEBSOCKET_BUFFER_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";
    static final String WEBSOCKET_BUFFER_BYTES = "1024";

    public static void main(String[] args) {
        if (System.getProperty(WEBSOCKET_BUFFER_PROPERTY) == null) {
            System.setProperty(WEBSOCKET_BUFFER_PROPERTY, WEBSOCKET_BUFFER_BYTES);
        }
        SpringApplication.run(DirectoryApplication.class, args);
    }
}
