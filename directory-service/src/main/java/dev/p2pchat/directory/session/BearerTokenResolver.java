package dev.p2pchat.directory.session;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves {@link AuthenticatedUser} parameters from {@code Authorization: Bearer <token>}; a
 * missing, malformed, unknown, expired or revoked token is an {@link InvalidTokenException} (401
 * with {@code WWW-Authenticate}). A caller an interceptor already checked ({@link
 * AuthenticatedUser#REQUEST_ATTRIBUTE}) is not checked again.
 */
@Component
class BearerTokenResolver implements HandlerMethodArgumentResolver {

    private final SessionService sessions;

    BearerTokenResolver(SessionService sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return AuthenticatedUser.class.equals(parameter.getParameterType());
    }

    @Override
    public AuthenticatedUser resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                             NativeWebRequest request, WebDataBinderFactory binderFactory) {
        if (request.getAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST)
                instanceof AuthenticatedUser checked) {
            return checked;
        }
        return sessions.verify(SessionService.bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION)));
    }
}
