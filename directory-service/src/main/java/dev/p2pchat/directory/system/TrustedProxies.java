package dev.p2pchat.directory.system;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.catalina.util.NetMask;
import org.apache.catalina.valves.RemoteIpValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Believes {@code X-Forwarded-For} (and {@code X-Forwarded-Proto}) only from the proxies in
 * {@code directory.trusted-proxies}. Everything that needs the client's address (presence, the
 * per-address throttle, the request log) reads {@code request.getRemoteAddr()}, which Tomcat's
 * {@link RemoteIpValve} sets here, before any filter runs.
 *
 * <p>Spring Boot's own set-up ({@code server.forward-headers-strategy=native}) trusts the header
 * from every private, loopback and link-local address, so any client on such a network could
 * claim any address, dodge the throttle and publish someone else's. Its valve is therefore
 * removed and replaced by one that trusts the listed proxies only (or by none when the list is
 * empty). {@code framework}, which believes the headers from everyone, is refused at start-up.
 */
@Component
class TrustedProxies implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(TrustedProxies.class);
    private static final Pattern LITERAL = Pattern.compile("[0-9.]{7,15}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<String> proxies;

    TrustedProxies(DirectoryProperties properties, Environment environment) {
        this.proxies = properties.trustedProxies().stream().map(String::strip).map(TrustedProxies::asRange).toList();
        String strategy = environment.getProperty("server.forward-headers-strategy", "none").toLowerCase(Locale.ROOT);
        if (strategy.equals("framework")) {
            throw new IllegalStateException("server.forward-headers-strategy=framework believes X-Forwarded-For from "
                    + "every client; unset it and list your reverse proxies in directory.trusted-proxies instead");
        }
        if (strategy.equals("native") && proxies.isEmpty()) {
            log.warn("server.forward-headers-strategy=native is ignored: X-Forwarded-For is believed only from the "
                    + "proxies listed in directory.trusted-proxies (DIRECTORY_TRUSTEDPROXIES), and none is listed");
        }
    }

    /** An IP address or CIDR range, given as literals (never a name to look up). */
    static boolean isValid(String entry) {
        String value = entry == null ? "" : entry.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        if (!LITERAL.matcher(address).matches()) {
            return false;
        }
        try {
            new NetMask(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Every entry as a range: RemoteIpValve reads a list without any '/' as a regular expression. */
    private static String asRange(String entry) {
        return entry.indexOf('/') >= 0 ? entry : entry + (entry.indexOf(':') >= 0 ? "/128" : "/32");
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.setEngineValves(factory.getEngineValves().stream().filter(valve -> !(valve instanceof RemoteIpValve))
                .toList());
        if (proxies.isEmpty()) {
            return;
        }
        RemoteIpValve valve = new RemoteIpValve();
        valve.setInternalProxies(String.join(",", proxies));
        valve.setTrustedProxies(null);
        factory.addEngineValves(valve);
        log.info("X-Forwarded-For is believed from {}", String.join(", ", proxies));
    }

    /** After Spring Boot's own customizers, so that its valve can be taken out. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
