package dev.p2pchat.directory.system;

import dev.p2pchat.directory.account.AccountLockedException;
import dev.p2pchat.directory.account.BadCredentialsException;
import dev.p2pchat.directory.account.UsernameTakenException;
import dev.p2pchat.directory.keylog.InvalidLogRangeException;
import dev.p2pchat.directory.keylog.InvalidRotationException;
import dev.p2pchat.directory.keylog.KeyEventsExhaustedException;
import dev.p2pchat.directory.keylog.KeyUnchangedException;
import dev.p2pchat.directory.keylog.NoSuchUserException;
import dev.p2pchat.directory.presence.NoSuchAccountException;
import dev.p2pchat.directory.session.InvalidTokenException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure into an RFC 9457 problem: the services' domain exceptions (taken name,
 * bad credentials, lock, busy, throttled, unknown account, invalid token, the key log's refusals)
 * with their statuses, headers and stable types; Spring's own (404, 405, 415, ...) through the base class, bad input
 * as 400 with the offending fields, oversize bodies as 413. No class names, stack traces or
 * input values (beyond the name a registration asked for) ever reach the client.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    private static final URI BLANK = URI.create("about:blank");

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError error : ex.getBindingResult().getFieldErrors()) {
            errors.add(fieldError(error.getField(), error.getDefaultMessage()));
        }
        ex.getBindingResult().getGlobalErrors()
                .forEach(error -> errors.add(fieldError(error.getObjectName(), error.getDefaultMessage())));
        return invalid(errors, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        ex.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                errors.add(fieldError(name, error.getDefaultMessage()));
            }
        });
        return invalid(errors, headers, request);
    }

    private ResponseEntity<Object> invalid(List<Map<String, String>> errors, HttpHeaders headers,
                                           WebRequest request) {
        errors.sort(Comparator.comparing((Map<String, String> e) -> e.get("field"))
                .thenComparing(e -> e.get("message")));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request has invalid fields.");
        problem.setType(Problems.INVALID_REQUEST);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return handleExceptionInternal(new IllegalArgumentException(), problem, headers, HttpStatus.BAD_REQUEST,
                request);
    }

    private static Map<String, String> fieldError(String field, @Nullable String message) {
        return Map.of("field", field, "message", message == null ? "is invalid" : message);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (causedBy(ex, BodySizeLimitFilter.PayloadTooLargeException.class)) {
            ProblemDetail problem = BodySizeLimitFilter.tooLarge();
            return handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request body is missing or is not valid JSON of the expected shape.");
        problem.setType(Problems.MALFORMED_JSON);
        problem.setTitle("Malformed request body");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /**
     * Every problem gets a stable {@code type}: Spring's own (404, 405, 415, ...) would leave it
     * as {@code about:blank}, which Jackson omits; they get {@code /problems/<reason>} instead.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || BLANK.equals(problem.getType()))) {
            HttpStatus status = HttpStatus.resolve(statusCode.value());
            String reason = status == null ? "error" : status.getReasonPhrase();
            problem.setType(URI.create("/problems/" + reason.toLowerCase(Locale.ROOT).replace(' ', '-')));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    @ExceptionHandler(UsernameTakenException.class)
    ResponseEntity<Object> usernameTaken(UsernameTakenException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.CONFLICT, Problems.USERNAME_TAKEN, "Username taken",
                "The username '" + ex.username() + "' is already taken.", Map.of(), new HttpHeaders());
    }

    @ExceptionHandler(BadCredentialsException.class)
    ResponseEntity<Object> badCredentials(BadCredentialsException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.UNAUTHORIZED, Problems.BAD_CREDENTIALS, "Wrong username or password",
                "The username or password is wrong.", Map.of(), ApiException.bearerChallenge());
    }

    @ExceptionHandler(AccountLockedException.class)
    ResponseEntity<Object> accountLocked(AccountLockedException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.LOCKED, Problems.ACCOUNT_LOCKED, "Account locked",
                "Too many failed logins: this account is locked until " + ex.lockedUntil() + ".",
                Map.of("lockedUntil", ex.lockedUntil()), retryAfter(ex.retryAfter()));
    }

    @ExceptionHandler(BusyException.class)
    ResponseEntity<Object> busy(BusyException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.SERVICE_UNAVAILABLE, Problems.BUSY, "Busy",
                "Too many password checks are waiting; try again in a second.", Map.of(), retryAfter(Duration.ofSeconds(1)));
    }

    @ExceptionHandler(TooManyRequestsException.class)
    ResponseEntity<Object> tooManyRequests(TooManyRequestsException ex, WebRequest request) {
        HttpHeaders headers = retryAfter(ex.retryAfter());
        if (ex instanceof KeyEventsExhaustedException) {
            return problem(ex, request, HttpStatus.TOO_MANY_REQUESTS, Problems.TOO_MANY_KEY_EVENTS, "Too many key changes",
                    ex.getMessage() + "; try again in " + headers.getFirst(HttpHeaders.RETRY_AFTER) + " s.", Map.of(),
                    headers);
        }
        return problem(ex, request, HttpStatus.TOO_MANY_REQUESTS, Problems.TOO_MANY_REQUESTS, "Too many requests",
                ex.getMessage() + "; try again in " + headers.getFirst(HttpHeaders.RETRY_AFTER) + " s.", Map.of(),
                headers);
    }

    @ExceptionHandler(NoSuchAccountException.class)
    ResponseEntity<Object> noSuchAccount(NoSuchAccountException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.NOT_FOUND, Problems.NO_SUCH_ACCOUNT, "No such account",
                "No account has that username.", Map.of(), new HttpHeaders());
    }

    @ExceptionHandler(NoSuchUserException.class)
    ResponseEntity<Object> noSuchUser(NoSuchUserException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.NOT_FOUND, Problems.NO_SUCH_ACCOUNT, "No such account",
                "No account has that username.", Map.of(), new HttpHeaders());
    }

    @ExceptionHandler(InvalidLogRangeException.class)
    ResponseEntity<Object> invalidLogRange(InvalidLogRangeException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.BAD_REQUEST, Problems.INVALID_LOG_RANGE, "Invalid log range",
                "A consistency proof needs 0 < from <= to <= " + ex.size() + " (the log's size).",
                Map.of(), new HttpHeaders());
    }

    @ExceptionHandler(InvalidRotationException.class)
    ResponseEntity<Object> invalidRotation(InvalidRotationException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.BAD_REQUEST, Problems.INVALID_ROTATION, "Invalid key rotation",
                "Key rotation refused: " + ex.getMessage() + ".", Map.of(), new HttpHeaders());
    }

    @ExceptionHandler(KeyUnchangedException.class)
    ResponseEntity<Object> keyUnchanged(KeyUnchangedException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.CONFLICT, Problems.KEY_UNCHANGED, "Key unchanged",
                "The new key is the account's current key.", Map.of(), new HttpHeaders());
    }

    @ExceptionHandler(InvalidTokenException.class)
    ResponseEntity<Object> invalidToken(InvalidTokenException ex, WebRequest request) {
        return problem(ex, request, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", ex.getMessage(),
                Map.of(), ApiException.bearerChallenge());
    }

    private ResponseEntity<Object> problem(Exception ex, WebRequest request, HttpStatus status, URI type, String title,
                                           String detail, Map<String, Object> properties, HttpHeaders headers) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        properties.forEach(problem::setProperty);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    /** {@code Retry-After} in whole seconds, rounded up, at least 1. */
    static HttpHeaders retryAfter(Duration wait) {
        long seconds = Math.max(1, wait.plusNanos(999_999_999).getSeconds());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return headers;
    }

    /** Bugs and unexpected failures: a generic 500 that reveals nothing about the cause. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        logger.error("Unexpected failure", ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Something went wrong on the server.");
        problem.setTitle("Internal Server Error");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
