package dev.p2pchat.directory.system;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sizes the embedded H2 page cache to {@code directory.h2.cache-percent} of the maximum heap when
 * the service starts (before it takes requests). A share of the heap rather than a fixed size
 * in the URL: the same setting then suits a 256 MiB container and a large server, and the cache
 * only grows as pages are read. Does nothing on other databases.
 */
@Component
class H2CacheSize {

    private static final Logger log = LoggerFactory.getLogger(H2CacheSize.class);
    /** H2's own default, in KiB; never go below it. */
    static final long MIN_KIB = 16 * 1024;

    H2CacheSize(DataSource dataSource, DirectoryProperties properties) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!"H2".equals(connection.getMetaData().getDatabaseProductName())) {
                return;
            }
            int percent = properties.h2().cachePercent();
            long kib = kib(Runtime.getRuntime().maxMemory(), percent);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET CACHE_SIZE " + kib);
                log.info("H2 page cache: up to {} MiB ({}% of the maximum heap)", kib / 1024, percent);
            } catch (SQLException e) {
                // e.g. a database user without admin rights: slower lookups, not a reason to stop
                log.warn("Could not size the H2 page cache ({}); H2's default applies", e.getMessage());
            }
        }
    }

    /** The cache size in KiB for a heap of {@code maxHeapBytes}. */
    static long kib(long maxHeapBytes, int percent) {
        long kib = maxHeapBytes / 1024 / 100 * percent;
        return Math.min(Integer.MAX_VALUE, Math.max(MIN_KIB, kib));
    }
}
