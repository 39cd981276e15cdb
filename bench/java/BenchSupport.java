import dev.p2pchat.peer.identity.Identity;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What the benchmark harnesses share: plain JSSE contexts built from the same EC P-256 identity
 * p2pchat uses (so the baselines do the same key exchange and signatures), the same TLS 1.3
 * suite, and percentiles. Results are printed as {@code RESULT name value} lines for run.sh.
 */
final class BenchSupport {

    static final String PROTOCOL = "TLSv1.3";
    static final String SUITE = "TLS_AES_128_GCM_SHA256";
    static final String ALPN = "p2pchat/1";

    private BenchSupport() {
    }

    /** key=value arguments: {@code --messages 1000} becomes messages=1000. */
    static Map<String, String> args(String[] args) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String key = args[i].substring(2);
                String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
                map.put(key, value);
            } else {
                map.put("arg" + map.size(), args[i]);
            }
        }
        return map;
    }

    static int intArg(Map<String, String> args, String key, int fallback) {
        return args.containsKey(key) ? Integer.parseInt(args.get(key)) : fallback;
    }

    /** The identity kept in {@code home} (created there on first use), as p2pchat makes it. */
    static Identity identity(Path home) throws Exception {
        Files.createDirectories(home.getParent());
        return Identity.loadOrCreate(home);
    }

    /** A JSSE context presenting {@code identity} and trusting any certificate (a raw baseline). */
    static SSLContext jsse(Identity identity) throws GeneralSecurityException, IOException {
        char[] password = "bench".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("id", identity.privateKey(), password, new Certificate[] {identity.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance(PROTOCOL);
        context.init(keys.getKeyManagers(), new TrustManager[] {new TrustAll()}, null);
        return context;
    }

    /** TLS 1.3, AES-128-GCM only, ALPN p2pchat/1, no SNI; the server asks for a client certificate. */
    static void configure(SSLSocket socket, boolean server) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setCipherSuites(new String[] {SUITE});
        parameters.setApplicationProtocols(new String[] {ALPN});
        if (server) {
            parameters.setNeedClientAuth(true);
        } else {
            parameters.setServerNames(List.of());
            parameters.setEndpointIdentificationAlgorithm(null);
        }
        socket.setSSLParameters(parameters);
    }

    static SSLSocket client(SSLContext context, Socket tcp, String peerHost, int port) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tcp, peerHost, port, true);
        configure(socket, false);
        return socket;
    }

    static SSLSocket server(SSLContext context, Socket tcp) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tcp, null, true);
        socket.setUseClientMode(false);
        configure(socket, true);
        return socket;
    }

    /** Sorted copy; {@code p} in 0..100. */
    static double percentileMicros(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        index = Math.max(0, Math.min(sortedNanos.length - 1, index));
        return sortedNanos[index] / 1000.0;
    }

    static void report(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(Double.NaN) / 1000.0;
        result(name + ".n", sorted.length);
        result(name + ".p50_us", percentileMicros(sorted, 50));
        result(name + ".p90_us", percentileMicros(sorted, 90));
        result(name + ".p99_us", percentileMicros(sorted, 99));
        result(name + ".p999_us", percentileMicros(sorted, 99.9));
        result(name + ".max_us", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0);
        result(name + ".mean_us", mean);
    }

    static void result(String name, double value) {
        System.out.println(String.format(Locale.ROOT, "RESULT %s %.3f", name, value));
        System.out.flush();
    }

    static void result(String name, String value) {
        System.out.println("RESULT " + name + " " + value);
        System.out.flush();
    }

    /** Trusts every certificate: the baselines measure TLS, not trust decisions. */
    static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
