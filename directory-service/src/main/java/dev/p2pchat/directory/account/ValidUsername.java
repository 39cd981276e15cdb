package dev.p2pchat.directory.account;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** 3–32 characters of {@code A-Z a-z 0-9 _ . -}, starting with a letter or digit. */
@Documented
@NotNull
@Pattern(regexp = ValidUsername.PATTERN)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidUsername {
    String PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{2,31}";

    String message() default "must be 3 to 32 characters of A-Z a-z 0-9 _ . - starting with a letter or digit";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
