package dev.p2pchat.peer.command;

/** host:port as people write it, with brackets around IPv6 literals. */
final class Endpoint {
    private Endpoint() {
    }

    static String format(String host, Integer port) {
        String h = host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h + ":" + port;
    }
}
