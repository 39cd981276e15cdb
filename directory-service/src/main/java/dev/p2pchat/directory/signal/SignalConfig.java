package dev.p2pchat.directory.signal;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The signalling channel, {@code GET /api/v1/signal}, on the API's own Tomcat and port, with
 * Spring's WebSocket API (not JSR-356 endpoints): a handshake interceptor can refuse an upgrade
 * with a real 401 problem before anything is upgraded, which a JSR-356 configurator cannot.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(SignalProperties.class)
class SignalConfig implements WebSocketConfigurer {

    private final SignalHandler handler;
    private final SignalHandshake handshake;

    SignalConfig(SignalHandler handler, SignalHandshake handshake) {
        this.handler = handler;
        this.handshake = handshake;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, SignalHandshake.PATH)
                .addInterceptors(handshake)
                .setHandshakeHandler(new ProblemHandshakeHandler());
    }

    /**
     * The container's message buffers, each held by every open channel for its whole life: text
     * arrives in parts of at most {@value #TEXT_BUFFER_CHARS} characters, which the handler joins
     * (refusing a message past 4 KiB), and binary frames, refused anyway, in parts of 1 KiB. A
     * buffer as large as the largest frame would cost 6 KiB more per channel, 600 MB at 100,000
     * channels; most frames fit in one part. Asynchronous sends give up after
     * {@link SessionLink#SEND_TIMEOUT_MILLIS}.
     */
    static final int TEXT_BUFFER_CHARS = 1024;

    @Bean
    static ServletServerContainerFactoryBean signalContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(TEXT_BUFFER_CHARS);
        container.setMaxBinaryMessageBufferSize(1024);
        container.setAsyncSendTimeout(SessionLink.SEND_TIMEOUT_MILLIS);
        return container;
    }
}
