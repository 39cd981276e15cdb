import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The container's HEALTHCHECK: exit 0 only when the directory's readiness probe, /readyz on the
 * API port, answers 200 with status UP, 1 otherwise. Only java.base, so it runs on any JRE image
 * without curl. The port comes from SERVER_PORT (default 8080), as in the app; a URL given as
 * the first argument is probed instead (e.g. the management port's
 * http://127.0.0.1:8081/actuator/health, or the API port when it serves HTTPS elsewhere).
 */
public final class HealthCheck {
    private static final Pattern UP = Pattern.compile("\"status\"\\s*:\\s*\"UP\"");

    public static void main(String[] args) {
        String port = firstSet(System.getenv("SERVER_PORT"), "8080");
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:" + port + "/readyz";
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(3000);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            String body = "";
            if (status == 200) {
                try (InputStream in = connection.getInputStream()) {
                    body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                }
            }
            if (status == 200 && UP.matcher(body).find()) {
                System.out.println("healthy: " + url);
                System.exit(0);
            }
            System.out.println("unhealthy: " + url + " answered " + status);
        } catch (IOException | RuntimeException e) {
            System.out.println("unhealthy: " + url + ": " + e);
        }
        System.exit(1);
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
