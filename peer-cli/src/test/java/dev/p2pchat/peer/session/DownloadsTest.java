package dev.p2pchat.peer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk rules of receiving, with the clock and the free space given by the test: what an
 * offer must leave free, and how long and how much unfinished files are kept.
 */
class DownloadsTest {

    private static final long GIB = 1L << 30;
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path tmp;

    /** A disk of {@code total} bytes with {@code usable} free, everything on it. */
    private record FakeDisk(long usable, long total) implements Downloads.Disk {
        @Override
        public long usable(Path path) {
            return usable;
        }

        @Override
        public long total(Path path) {
            return total;
        }

        @Override
        public boolean sameDisk(Path a, Path b) {
            return true;
        }
    }

    private Downloads downloads(Downloads.Settings settings, Downloads.Disk disk) {
        return new Downloads(tmp.resolve("downloads"), tmp.resolve("partials"), settings,
                Clock.fixed(NOW, ZoneOffset.UTC), disk);
    }

    private static Transfer offer(long id, String name, long size) {
        return new Transfer(id, Transfer.Direction.RECEIVE, "alice", name, size);
    }

    private static Downloads.Settings keepFree(long bytes) {
        return new Downloads.Settings(false, bytes, Downloads.Settings.DEFAULT_PARTIALS_LIMIT,
                Downloads.Settings.DEFAULT_PARTIALS_MAX_AGE);
    }

    // ---------------------------------------------------------------- free space

    @Test
    void byDefaultAnOfferMustLeaveOneGibFreeOnABigDisk() throws Exception {
        Downloads folder = downloads(Downloads.Settings.DEFAULTS, new FakeDisk(3 * GIB, 1000 * GIB));
        assertThat(folder.keepFree(folder.partials())).isEqualTo(GIB);

        folder.claim("alice", "fits.bin", 2 * GIB, offer(1, "fits.bin", 2 * GIB)).release();
        assertThatThrownBy(() -> folder.claim("alice", "over.bin", 2 * GIB + 1, offer(3, "over.bin", 2 * GIB + 1)))
                .isInstanceOf(Downloads.Refused.class)
                .hasMessage("not enough free disk space: 2.00 GiB needed, 3.00 GiB free, and 1.00 GiB kept free")
                .extracting(e -> ((Downloads.Refused) e).forPeer()).as("the sender learns nothing of our disk")
                .isEqualTo("not enough free disk space");
    }

    @Test
    void byDefaultASmallDiskKeepsFivePercentFree() throws Exception {
        Downloads folder = downloads(Downloads.Settings.DEFAULTS, new FakeDisk(10_000, 100_000));
        assertThat(folder.keepFree(folder.partials())).isEqualTo(5_000);

        folder.claim("alice", "fits.bin", 5_000, offer(1, "fits.bin", 5_000)).release();
        assertThatThrownBy(() -> folder.claim("alice", "over.bin", 5_001, offer(3, "over.bin", 5_001)))
                .isInstanceOf(Downloads.Refused.class)
                .hasMessageStartingWith("not enough free disk space");
    }

    @Test
    void theMarginIsASetting() throws Exception {
        Downloads folder = downloads(keepFree(0), new FakeDisk(10_000, 1000 * GIB));
        folder.claim("alice", "all of it.bin", 10_000, offer(1, "all of it.bin", 10_000)).release();
        assertThatThrownBy(() -> folder.claim("alice", "more.bin", 10_001, offer(3, "more.bin", 10_001)))
                .isInstanceOf(Downloads.Refused.class);
    }

    @Test
    void filesAlreadyOnTheirWayCountAgainstTheFreeSpaceWhateverTheSession() throws Exception {
        Downloads folder = downloads(keepFree(1_000), new FakeDisk(10_000, 1000 * GIB));
        Downloads.Claim first = folder.claim("alice", "a.bin", 6_000, offer(1, "a.bin", 6_000));
        first.reserve();
        Downloads.Claim second = folder.claim("carol", "b.bin", 4_000, offer(2, "b.bin", 4_000));
        assertThatThrownBy(second::reserve)
                .isInstanceOf(Downloads.Refused.class)
                .hasMessage("not enough free disk space: 9.77 KiB needed, 9.77 KiB free, and 1000 B kept free");
        second.release();
        first.release();
        Downloads.Claim again = folder.claim("carol", "b.bin", 4_000, offer(2, "b.bin", 4_000));
        again.reserve();
        again.release();
    }

    @Test
    void theSameFileCannotBeReceivedTwiceAtOnce() throws Exception {
        Downloads folder = downloads(Downloads.Settings.DEFAULTS, new FakeDisk(100 * GIB, 1000 * GIB));
        Downloads.Claim first = folder.claim("alice", "a.bin", 10, offer(1, "a.bin", 10));
        assertThatThrownBy(() -> folder.claim("ALICE", "a.bin", 10, offer(3, "a.bin", 10)))
                .isInstanceOf(Downloads.Refused.class)
                .hasMessage("a file of that name and size is already on its way; send it again afterwards");
        first.release();
        folder.claim("alice", "a.bin", 10, offer(3, "a.bin", 10)).release();
    }

    // ---------------------------------------------------------------- partials kept for a resume

    private Path partial(Downloads folder, String name, int size, Duration age) throws Exception {
        folder.prepare();
        Path partial = folder.partialFor("alice", name, 1_000_000);
        Files.write(partial, new byte[size]);
        Files.setLastModifiedTime(partial, FileTime.from(NOW.minus(age)));
        return partial;
    }

    @Test
    void partialsOlderThanTheMaximumAgeGoAtStart() throws Exception {
        Downloads folder = downloads(Downloads.Settings.DEFAULTS, new FakeDisk(100 * GIB, 1000 * GIB));
        Path old = partial(folder, "old.bin", 10, Duration.ofDays(7).plusMinutes(1));
        Path recent = partial(folder, "recent.bin", 10, Duration.ofDays(7).minusMinutes(1));

        folder.prepare();

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void partialsOlderThanTheMaximumAgeGoWhenAFileIsOffered() throws Exception {
        Downloads.Settings oneDay = new Downloads.Settings(false, 0, Downloads.Settings.DEFAULT_PARTIALS_LIMIT,
                Duration.ofDays(1));
        Downloads folder = downloads(oneDay, new FakeDisk(100 * GIB, 1000 * GIB));
        Path old = partial(folder, "old.bin", 10, Duration.ofHours(25));
        Path recent = partial(folder, "recent.bin", 10, Duration.ofHours(23));

        folder.claim("alice", "new.bin", 10, offer(1, "new.bin", 10)).release();

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void theOldestPartialsGoWhenTheyWouldTakeMoreThanTheLimit() throws Exception {
        Downloads.Settings limit = new Downloads.Settings(false, 0, 1_000, Duration.ofDays(7));
        Downloads folder = downloads(limit, new FakeDisk(100 * GIB, 1000 * GIB));
        Path oldest = partial(folder, "1.bin", 400, Duration.ofHours(3));
        Path older = partial(folder, "2.bin", 400, Duration.ofHours(2));
        Path newest = partial(folder, "3.bin", 400, Duration.ofHours(1));

        // 400 + 400 + 400 kept, and 300 to come: an offer alone changes nothing...
        Downloads.Claim offered = folder.claim("alice", "new.bin", 300, offer(1, "new.bin", 300));
        assertThat(oldest).exists();
        // ...accepting it makes the two oldest go
        offered.reserve();
        offered.release();

        assertThat(oldest).doesNotExist();
        assertThat(older).doesNotExist();
        assertThat(newest).exists();
    }

    @Test
    void thePartialBeingResumedAndThoseBeingWrittenAreNeverRemovedToMakeRoom() throws Exception {
        Downloads.Settings limit = new Downloads.Settings(false, 0, 1_000, Duration.ofDays(7));
        Downloads folder = downloads(limit, new FakeDisk(100 * GIB, 1000 * GIB));
        Downloads.Claim writing = folder.claim("carol", "busy.bin", 900, offer(2, "busy.bin", 900));
        Files.write(writing.partial(), new byte[900]);
        Files.setLastModifiedTime(writing.partial(), FileTime.from(NOW.minus(Duration.ofHours(5))));
        folder.prepare();
        Path resumed = folder.partialFor("alice", "big.bin", 2_000);
        Files.write(resumed, new byte[1_500]);
        Files.setLastModifiedTime(resumed, FileTime.from(NOW.minus(Duration.ofHours(4))));

        Downloads.Claim big = folder.claim("alice", "big.bin", 2_000, offer(1, "big.bin", 2_000));
        big.reserve();
        big.release();

        assertThat(writing.partial()).exists();
        assertThat(resumed).hasSize(1_500);
        writing.release();
    }

    @Test
    void atMostAThousandPartialsAreKept() throws Exception {
        Downloads folder = downloads(keepFree(0), new FakeDisk(100 * GIB, 1000 * GIB));
        folder.prepare();
        for (int i = 0; i < Downloads.MAX_KEPT_PARTIALS + 5; i++) {
            Path partial = folder.partialFor("alice", "f" + i, 1);
            Files.write(partial, new byte[1]);
            Files.setLastModifiedTime(partial, FileTime.from(NOW.minus(Duration.ofMinutes(2000 - i))));
        }

        Downloads.Claim more = folder.claim("alice", "one more", 1, offer(1, "one more", 1));
        more.reserve();
        more.release();

        try (var left = Files.list(folder.partials())) {
            List<Path> kept = left.toList();
            assertThat(kept).hasSize(Downloads.MAX_KEPT_PARTIALS - 1);
            assertThat(kept).doesNotContain(folder.partialFor("alice", "f0", 1))
                    .contains(folder.partialFor("alice", "f" + (Downloads.MAX_KEPT_PARTIALS + 4), 1));
        }
    }

    @Test
    void anOfferNobodyAcceptedYetNeitherRemovesPartialsNorHoldsSpace() throws Exception {
        Downloads.Settings limit = new Downloads.Settings(false, 0, 1_000, Duration.ofDays(7));
        Downloads folder = downloads(limit, new FakeDisk(10_000, 1000 * GIB));
        Path someonesPartial = partial(folder, "resume me.bin", 900, Duration.ofHours(3));

        // 9,000 bytes offered and not yet accepted would leave too little room for anything else
        Downloads.Claim undecided = folder.claim("mallory", "huge.bin", 9_000, offer(1, "huge.bin", 9_000));
        Downloads.Claim friends = folder.claim("alice", "notes.bin", 100, offer(3, "notes.bin", 100));
        friends.reserve();

        assertThat(someonesPartial).as("nobody said yes to mallory's offer: nothing made room for it").exists();
        friends.release();
        undecided.release();
    }

    @Test
    void settingsMustBePositive() {
        assertThatThrownBy(() -> new Downloads.Settings(false, -2, 1, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Downloads.Settings(false, 0, -1, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Downloads.Settings(false, 0, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
