package dev.p2pchat.peer.connect;

/** host:port as people write it, with brackets around IPv6 literals. */
public final class Endpoints {

    private Endpoints() {
    }

    public static String format(String host, int port) {
        String h = host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h + ":" + port;
    }
}
