package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.system.AccountThrottle;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Puts presence renewals under their per-account budget ({@link RenewalLimit}). */
@Configuration(proxyBeanMethods = false)
class PresenceWebConfig implements WebMvcConfigurer {

    private final SessionService sessions;
    private final AccountThrottle throttle;
    private final HandlerExceptionResolver problems;

    /** The resolver is made by the same MVC configuration that asks for the interceptors: hence lazy. */
    PresenceWebConfig(SessionService sessions, AccountThrottle throttle,
                      @Lazy @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.sessions = sessions;
        this.throttle = throttle;
        this.problems = problems;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new RenewalLimit(sessions, throttle, problems)).addPathPatterns("/api/v1/presence");
    }
}
