package dev.p2pchat.peer.command;

import dev.p2pchat.peer.session.Downloads;
import dev.p2pchat.peer.session.ReceivePolicy;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How offered files are received: where, whether, and up to what size. */
public final class ReceiveOptions {

    @Option(names = "--downloads", paramLabel = "DIR",
            description = "Where received files go (default: downloads/ in the home folder).")
    Path downloads;

    @Option(names = "--accept", paramLabel = "MODE", defaultValue = "auto",
            description = "auto: take every file within the limits (default); ask: ask on the terminal; no: refuse files.")
    ReceivePolicy.Mode accept;

    @Option(names = "--max-file-size", paramLabel = "SIZE", defaultValue = "unlimited",
            converter = SizeConverter.class,
            description = "Refuse files larger than SIZE (e.g. 500M, 4G; default: unlimited, within free disk space).")
    long maxFileSize;

    ReceivePolicy policy(Cli cli) {
        Path dir = downloads != null ? downloads : cli.home().downloads();
        return new ReceivePolicy(accept, new Downloads(dir), maxFileSize, 8);
    }
}
