package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.session.SessionService;
import dev.p2pchat.directory.system.AccountThrottle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
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
    private final ObjectProvider<MeterRegistry> meters;

    /** The resolver is made by the same MVC configuration that asks for the interceptors: hence lazy. */
    PresenceWebConfig(SessionService sessions, AccountThrottle throttle,
                      @Lazy @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems,
                      ObjectProvider<MeterRegistry> meters) {
        this.sessions = sessions;
        this.throttle = throttle;
        this.problems = problems;
        this.meters = meters;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        RenewalLimit limit = new RenewalLimit(sessions, throttle, problems, RenewalLimit.MAX_HELD);
        meters.ifAvailable(meterRegistry -> Gauge.builder("p2pchat.throttle.held", limit, RenewalLimit::held)
                .description("Refused renewals waiting for their 429").register(meterRegistry));
        registry.addInterceptor(limit).addPathPatterns("/api/v1/presence");
    }
}
