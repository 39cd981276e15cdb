package dev.p2pchat.directory.system;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An expected failure of a call, answered as an RFC 9457 problem with a stable type, a human
 * title and detail, and optional extra members and headers.
 */
public class ApiException extends ErrorResponseException {

    public ApiException(HttpStatus status, URI type, String title, String detail) {
        this(status, type, title, detail, Map.of(), HttpHeaders.EMPTY);
    }

    public ApiException(HttpStatus status, URI type, String title, String detail,
                        Map<String, Object> properties, HttpHeaders headers) {
        super(status, problem(status, type, title, detail, properties), null);
        getHeaders().addAll(headers);
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail,
                                         Map<String, Object> properties) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        properties.forEach(problem::setProperty);
        return problem;
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", detail,
                Map.of(), bearerChallenge());
    }

    /** The {@code WWW-Authenticate} challenge every 401 of this API carries (RFC 6750). */
    public static HttpHeaders bearerChallenge() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"p2pchat\"");
        return headers;
    }
}
