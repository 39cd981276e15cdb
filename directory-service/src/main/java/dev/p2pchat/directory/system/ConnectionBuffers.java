package dev.p2pchat.directory.system;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * The buffers Tomcat gives every connection for its whole life: a read and a write buffer of
 * 8 KiB each by default. A listening signalling channel is a connection that stays open for days
 * and carries a few hundred bytes every 20 s, so at 100,000 channels those two buffers alone were
 * 1.6 GB of old generation. 2 KiB for reading and 4 KiB for writing still take a whole request
 * (headers above the read buffer are read straight into the request's own header buffer) and
 * most answers in one write; larger answers take a few more writes.
 */
@Component
class ConnectionBuffers implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    static final int READ_BYTES = 2048;
    static final int WRITE_BYTES = 4096;

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", Integer.toString(READ_BYTES));
            connector.setProperty("socket.appWriteBufSize", Integer.toString(WRITE_BYTES));
        });
    }
}
