package dev.p2pchat.directory.session;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Lets controllers declare an {@link AuthenticatedUser} parameter to require a bearer token. */
@Configuration(proxyBeanMethods = false)
class BearerTokenConfig implements WebMvcConfigurer {

    private final BearerTokenResolver resolver;

    BearerTokenConfig(BearerTokenResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(resolver);
    }
}
