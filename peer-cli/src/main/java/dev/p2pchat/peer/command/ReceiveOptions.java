package dev.p2pchat.peer.command;

import dev.p2pchat.peer.session.Downloads;
import dev.p2pchat.peer.session.ReceivePolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How offered files are received: where, from whom, and up to what size. */
public final class ReceiveOptions {

    @Option(names = "--downloads", paramLabel = "DIR",
            description = "Where received files go (default: downloads/ in the home folder). Refused if other users"
                    + " can write to it, unless --allow-shared-downloads.")
    Path downloads;

    @Option(names = "--accept", paramLabel = "MODE",
            description = "ask: ask for each file; known: take files from peers you chose (dialed or verified), refuse"
                    + " strangers; auto: take every file within the limits; no: refuse files."
                    + " Default: ask on a terminal, known otherwise.")
    ReceivePolicy.Mode accept;

    @Option(names = "--max-file-size", paramLabel = "SIZE", defaultValue = "unlimited",
            converter = SizeConverter.class,
            description = "Refuse files larger than SIZE (e.g. 500M, 4G; default: unlimited, within free disk space).")
    long maxFileSize;

    @Option(names = "--keep-free", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Refuse a file that would leave less than SIZE free on the disk"
                    + " (default: 1G, or 5%% of a disk smaller than 20G).")
    Long keepFree;

    @Option(names = "--partials-limit", paramLabel = "SIZE", defaultValue = "10G", converter = SizeConverter.class,
            description = "Space that unfinished files kept for a resume may take; the oldest go first"
                    + " (default: ${DEFAULT-VALUE}).")
    long partialsLimit;

    @Option(names = "--partials-max-age", paramLabel = "DAYS", defaultValue = "7",
            description = "Remove unfinished files not resumed within DAYS days (default: ${DEFAULT-VALUE}).")
    int partialsMaxAgeDays;

    @Option(names = "--allow-shared-downloads",
            description = "Receive into a --downloads folder that other users can write to (they could replace a"
                    + " file after it was verified).")
    boolean allowSharedDownloads;

    /**
     * The policy for this command. Sessions get {@code policy.forPeer(knownBefore)}. The folders are
     * checked now, so that an unusable or shared downloads folder is said at once.
     */
    ReceivePolicy policy(Cli cli) {
        if (partialsMaxAgeDays < 1) {
            throw new CliException(ExitCode.USAGE, "--partials-max-age must be at least 1 day");
        }
        Path dir = downloads != null ? downloads : cli.home().downloads();
        Downloads folder = new Downloads(dir, partialsFolder(cli), new Downloads.Settings(allowSharedDownloads,
                keepFree == null ? Downloads.Settings.AUTO : keepFree, partialsLimit,
                Duration.ofDays(partialsMaxAgeDays)));
        ReceivePolicy.Mode mode = accept != null ? accept : ReceivePolicy.defaultMode(cli.terminal());
        if (mode != ReceivePolicy.Mode.NO) {
            try {
                folder.prepare();
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot receive files: " + e.getMessage()
                        + " (--accept no receives none)", e);
            }
        }
        return new ReceivePolicy(mode, folder, maxFileSize, ReceivePolicy.FILES_AT_ONCE);
    }

    /** Unfinished files: in the home folder, private, never in a downloads folder others may see. */
    static Path partialsFolder(Cli cli) {
        return cli.home().dir().resolve("partials");
    }
}
