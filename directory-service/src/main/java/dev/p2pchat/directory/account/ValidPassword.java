package dev.p2pchat.directory.account;

import dev.p2pchat.directory.system.PasswordHashing;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A password of 8 to 72 UTF-8 bytes. 72 is BCrypt's limit: longer passwords are refused, never
 * silently truncated.
 */
@Documented
@Constraint(validatedBy = ValidPassword.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidPassword {

    String message() default "must be 8 to 72 bytes in UTF-8";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ValidPassword, char[]> {
        @Override
        public boolean isValid(char[] password, ConstraintValidatorContext context) {
            if (password == null) {
                return false;
            }
            int bytes = PasswordHashing.utf8Length(password);
            return bytes >= PasswordHashing.MIN_PASSWORD_BYTES && bytes <= PasswordHashing.MAX_PASSWORD_BYTES;
        }
    }
}
