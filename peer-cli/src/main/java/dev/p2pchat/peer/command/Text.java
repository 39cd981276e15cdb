package dev.p2pchat.peer.command;

/** Text from outside (peers, files, the command line) made safe to print on a terminal. */
final class Text {
    private Text() {
    }

    /** Tabs become spaces; other control and format characters (escape sequences!) become '?'. */
    static String printable(String text) {
        return printable(text, Integer.MAX_VALUE);
    }

    static String printable(String text, int maxCodePoints) {
        if (text == null) {
            return "";
        }
        StringBuilder safe = new StringBuilder(Math.min(text.length(), 1024));
        text.codePoints().limit(maxCodePoints).forEach(c -> {
            if (c == '\t') {
                safe.append(' ');
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                safe.append('?');
            } else {
                safe.appendCodePoint(c);
            }
        });
        return safe.toString();
    }
}
