package dev.p2pchat.peer.command;

/** "host:port" or "[v6]:port" from the command line. */
record HostPort(String host, int port) {

    static HostPort parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw invalid(text);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw invalid(text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        try {
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65535 || host.isBlank()) {
                throw invalid(text);
            }
            return new HostPort(host, number);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static CliException invalid(String text) {
        return new CliException(ExitCode.USAGE, "invalid address '" + Text.printable(text, 100)
                + "': expected HOST:PORT or [IPv6]:PORT");
    }
}
