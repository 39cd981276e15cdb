package dev.p2pchat.directory.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Presence in this instance's memory: the embedded default (H2, one instance). A renewal is a
 * map update, no database statement. The map is sorted by username key, so the online list is a
 * keyset walk of it. At most one entry per account (only a logged-in account puts one); an
 * entry takes about 300 bytes. A restart forgets everyone: peers are back on their next renewal.
 */
final class MemoryPresenceStore implements PresenceStore {

    private final ConcurrentSkipListMap<String, Presence> entries = new ConcurrentSkipListMap<>();

    @Override
    public void put(Presence entry) {
        entries.put(entry.usernameKey(), entry);
    }

    @Override
    public Set<String> keepOnline(Collection<String> usernameKeys, Instant now, Instant expiresAt) {
        Set<String> missing = new HashSet<>();
        for (String key : usernameKeys) {
            Presence kept = entries.computeIfPresent(key, (k, entry) -> entry.onlineAt(now)
                    ? new Presence(entry.accountId(), entry.username(), k, entry.host(), entry.port(), entry.addresses(),
                            now, expiresAt)
                    : entry);
            if (kept == null || !kept.onlineAt(now)) {
                missing.add(key);
            }
        }
        return missing;
    }

    @Override
    public boolean remove(String usernameKey) {
        return entries.remove(usernameKey) != null;
    }

    @Override
    public Optional<Presence> find(String usernameKey) {
        return Optional.ofNullable(entries.get(usernameKey));
    }

    @Override
    public List<Presence> online(String afterKey, int limit, Instant now) {
        List<Presence> page = new ArrayList<>(Math.min(limit, 64));
        for (Presence entry : entries.tailMap(afterKey, false).values()) {
            if (page.size() == limit) {
                break;
            }
            if (entry.onlineAt(now)) {
                page.add(entry);
            }
        }
        return page;
    }

    @Override
    public long countOnline(Instant now) {
        return entries.values().stream().filter(entry -> entry.onlineAt(now)).count();
    }

    @Override
    public List<Presence> purgeExpired(Instant now, int max) {
        List<Presence> purged = new ArrayList<>();
        for (Map.Entry<String, Presence> entry : entries.entrySet()) {
            if (purged.size() == max) {
                break;
            }
            // remove(key, value): an entry renewed since it was read is another value and stays
            if (!entry.getValue().onlineAt(now) && entries.remove(entry.getKey(), entry.getValue())) {
                purged.add(entry.getValue());
            }
        }
        return purged;
    }

    @Override
    public Collection<Presence> lostOnStop() {
        return List.copyOf(entries.values());
    }

    @Override
    public String name() {
        return "memory";
    }
}
