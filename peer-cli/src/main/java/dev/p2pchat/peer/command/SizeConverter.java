package dev.p2pchat.peer.command;

import dev.p2pchat.peer.session.ReceivePolicy;
import java.util.Locale;
import picocli.CommandLine;

/** "unlimited", or a byte count with an optional K/M/G/T suffix (powers of 1024). */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String text = value.strip().toUpperCase(Locale.ROOT);
        if (text.equals("UNLIMITED")) {
            return ReceivePolicy.UNLIMITED;
        }
        if (text.endsWith("B")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("I")) {
            text = text.substring(0, text.length() - 1);
        }
        int shift = 0;
        if (!text.isEmpty()) {
            switch (text.charAt(text.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) {
                text = text.substring(0, text.length() - 1);
            } else {
                shift = 0;
            }
        }
        try {
            long number = Long.parseLong(text.strip());
            if (number < 0 || number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size (examples: 1048576, 500M, 4G)");
        }
    }
}
