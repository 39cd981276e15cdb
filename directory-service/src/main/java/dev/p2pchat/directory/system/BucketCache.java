package dev.p2pchat.directory.system;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One budget's token buckets (Bucket4j), one per key, each holding {@code capacity} and refilling
 * steadily over {@code period}. At most {@code maxKeys} are kept (the least used go first), and
 * one idle for a whole period is dropped, since by then it is full again anyway.
 */
final class BucketCache<K> {

    private final Bandwidth limit;
    private final TimeMeter time;
    final Cache<K, Bucket> cache;

    BucketCache(int capacity, Duration period, int maxKeys, TimeMeter time) {
        this.limit = Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build();
        this.time = time;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(period)
                .ticker(time::currentTimeNanos)
                .executor(Runnable::run) // evictions on the caller's thread: cheap, and no pool to share
                .build();
    }

    /** Bucket4j's time read from {@code clock}, so that tests can move it. */
    static TimeMeter timeOf(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** Takes one unit of {@code key}'s budget; the probe says whether it was there and, if not, when it will be. */
    ConsumptionProbe take(K key) {
        return cache.get(key, ignored -> Bucket.builder().addLimit(limit).withCustomTimePrecision(time).build())
                .tryConsumeAndReturnRemaining(1);
    }

    /** Returns a unit to {@code key}'s budget, if it still has one. */
    void giveBack(K key) {
        Bucket bucket = cache.getIfPresent(key);
        if (bucket != null) {
            bucket.addTokens(1);
        }
    }

    /** Keys tracked now, after evicting what is due. */
    long tracked() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
