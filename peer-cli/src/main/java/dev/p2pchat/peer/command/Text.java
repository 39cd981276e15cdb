package dev.p2pchat.peer.command;

/** Text from outside (peers, files, the command line) made safe to print on a terminal. */
final class Text {
    private Text() {
    }

    /** Tabs become spaces; other control and format characters (escape sequences!) become '?'. */
    static String printable(String text) {
        return printable(text, Integer.MAX_VALUE);
    }

    /**
     * Text of several lines made safe line by line: the line breaks stay, every other control
     * and format character goes. What every status and message line passes through before the
     * terminal, whoever wrote it (a peer, the directory, or us).
     */
    static String printableLines(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder safe = new StringBuilder(text.length());
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                safe.append(System.lineSeparator());
            }
            safe.append(printable(lines[i]));
        }
        return safe.toString();
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
