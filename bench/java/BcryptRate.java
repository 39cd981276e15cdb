import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * BCrypt on this machine, with the spring-security-crypto jar the directory ships.
 *
 * <pre>
 *   BcryptRate hash --cost 12 --password P              prints a hash (for seeding)
 *   BcryptRate rate --cost 12 --threads N --seconds S   checkpw per second on N threads
 * </pre>
 *
 * The rate is what the directory's login path does per password: {@code BCrypt.checkpw(byte[],
 * String)} against a hash of the given cost. Each thread counts the checks it finished before
 * the deadline and its own elapsed time; the rates are summed.
 */
public final class BcryptRate {

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int cost = BenchSupport.intArg(args, "cost", 12);
        String password = args.getOrDefault("password", "bench-password-1");
        String hash = BCrypt.hashpw(password.getBytes(StandardCharsets.UTF_8), BCrypt.gensalt(cost, new SecureRandom()));
        if ("hash".equals(args.get("arg0"))) {
            System.out.println(hash);
            return;
        }
        int threads = BenchSupport.intArg(args, "threads", 1);
        double seconds = Double.parseDouble(args.getOrDefault("seconds", "10"));
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        if (!BCrypt.checkpw(bytes, hash)) { // also warms up
            throw new IllegalStateException("checkpw failed");
        }
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        AtomicLong checks = new AtomicLong();
        double[] rates = new double[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> {
                long n = 0;
                long end;
                do {
                    if (!BCrypt.checkpw(bytes, hash)) {
                        throw new IllegalStateException("checkpw failed");
                    }
                    n++;
                    end = System.nanoTime();
                } while (end < deadline);
                checks.addAndGet(n);
                rates[index] = n / ((end - start) / 1e9);
            }, "bcrypt-bench-" + t);
            workers[t].start();
        }
        double total = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            total += rates[t];
        }
        BenchSupport.result("bcrypt.threads", threads);
        BenchSupport.result("bcrypt.checks", checks.get());
        BenchSupport.result("bcrypt.per_s", total);
    }
}
