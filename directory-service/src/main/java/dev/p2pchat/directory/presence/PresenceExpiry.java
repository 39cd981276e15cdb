package dev.p2pchat.directory.presence;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Removes expired presence (it holds IP addresses) every {@code directory.purge.interval} (60 s),
 * in bounded batches, keeping each peer's last renewal as its account's last-seen time; and at
 * shutdown keeps the last renewals a store loses with the instance. Expired entries are offline
 * before this runs: it only frees them.
 */
@Component
class PresenceExpiry {

    private static final Logger log = LoggerFactory.getLogger(PresenceExpiry.class);

    private final PresenceStore store;
    private final LastSeen lastSeen;
    private final Clock clock;

    PresenceExpiry(PresenceStore store, LastSeen lastSeen, Clock clock) {
        this.store = store;
        this.lastSeen = lastSeen;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "${directory.purge.interval:60s}", fixedDelayString = "${directory.purge.interval:60s}")
    void purgeExpired() {
        int total = 0;
        List<Presence> purged;
        do {
            purged = store.purgeExpired(clock.instant(), LastSeen.BATCH);
            lastSeen.record(purged);
            total += purged.size();
        } while (purged.size() == LastSeen.BATCH);
        if (total > 0) {
            log.info("Purged {} expired presence entries", total);
        }
    }

    @PreDestroy
    void keepLastSeenOfThoseOnline() {
        Collection<Presence> lost = store.lostOnStop();
        if (!lost.isEmpty()) {
            lastSeen.record(lost);
            log.info("Stopping: kept the last renewal of {} online peers as their last-seen time", lost.size());
        }
    }
}
