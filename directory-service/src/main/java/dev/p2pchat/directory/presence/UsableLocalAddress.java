package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.system.IpLiterals;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;

/**
 * An address a listener may advertise as its own: an IPv4 or IPv6 literal (never a name, never
 * looked up) that is not loopback, link-local, unspecified or multicast. Dialers try such
 * addresses only from behind the same public address, but the directory does not even store
 * what could only ever point at the dialer's own machine.
 */
@Documented
@Constraint(validatedBy = UsableLocalAddress.Validator.class)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface UsableLocalAddress {

    String message() default "must be an IP address that is not loopback, link-local, unspecified or multicast";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<UsableLocalAddress, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || usable(value);
        }

        static boolean usable(String value) {
            InetAddress address = IpLiterals.parse(value);
            return address != null && !address.isLoopbackAddress() && !address.isLinkLocalAddress()
                    && !address.isAnyLocalAddress() && !address.isMulticastAddress();
        }
    }
}
