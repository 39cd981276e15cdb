package dev.p2pchat.peer.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code known_peers} file: trust on first use, like SSH's {@code known_hosts}. One
 * {@code username fingerprint [tags]} per line, usernames in lower case, {@code #} comments and
 * blank lines allowed. The optional third field is a comma-separated list of tags: {@code met}
 * marks a peer pinned because it dialed us (we did not choose it: it counts for the key check,
 * not as someone we know), {@code verified} one whose safety number the user confirmed.
 *
 * <p>Pins of peers we merely met are bounded: beyond {@value #MAX_MET} the oldest ones are
 * dropped when a new one is added, so strangers dialing in cannot grow the file without end.
 *
 * <p>The file is read as hostile input: at most {@value #MAX_FILE_BYTES} bytes, lines over
 * {@value #MAX_LINE_CHARS} characters and lines that do not parse are skipped with a warning
 * (which never echoes the line's content). When a name appears twice, the first line counts.
 *
 * <p>Changes re-read the file under a lock and rewrite it atomically, keeping every other line
 * byte for byte, so several sessions (threads or processes) can remember peers at once without
 * losing each other's entries. A fingerprint already known for a name is only ever changed by
 * {@link #replace}. Thread-safe.
 */
public final class KnownPeers {

    public static final String FILE_NAME = "known_peers";
    public static final int MAX_FILE_BYTES = 1024 * 1024;
    public static final int MAX_LINE_CHARS = 1024;

    /** Peers pinned because they dialed us, kept at most (the oldest go first). */
    public static final int MAX_MET = 1000;
    public static final String MET = "met";
    public static final String VERIFIED = "verified";

    private static final Pattern FIELD_SEPARATOR = Pattern.compile("[ \t]+");
    private static final java.util.Set<String> TAGS = java.util.Set.of(MET, VERIFIED);

    public enum Status {
        /** The name is known with exactly this fingerprint. */
        TRUSTED,
        /** The name is not in the file yet: ask, or trust on first use and {@link #remember}. */
        UNKNOWN,
        /** The name is known with another fingerprint: refuse loudly. */
        MISMATCH
    }

    /**
     * The outcome of {@link #check}.
     *
     * @param knownFingerprint the fingerprint in the file for that name; {@code null} when
     *                         {@code UNKNOWN}
     */
    public record Verdict(Status status, String knownFingerprint) {
        public Verdict {
            Objects.requireNonNull(status, "status");
            if ((status == Status.UNKNOWN) != (knownFingerprint == null)) {
                throw new IllegalArgumentException("a known fingerprint goes with TRUSTED and MISMATCH only");
            }
        }
    }

    private final Path file;
    private final Path lockFile;
    private Contents contents;

    private KnownPeers(Path file, Contents contents) {
        this.file = file;
        this.lockFile = file.resolveSibling("." + file.getFileName() + ".lock");
        this.contents = contents;
    }

    /**
     * Reads {@code file}; a file that does not exist yet is empty.
     *
     * @throws IdentityException if it exists but cannot be read, or is not a regular file
     */
    public static KnownPeers load(Path file) throws IdentityException {
        return new KnownPeers(file, read(file));
    }

    public Path file() {
        return file;
    }

    /**
     * What the file says about {@code username} (any case) presenting {@code fingerprint}.
     * Picks up changes another process made to the file since it was last read.
     *
     * @throws IllegalArgumentException if the username or the fingerprint is malformed
     */
    public synchronized Verdict check(String username, String fingerprint) {
        String name = requireUsername(username);
        requireFingerprint(fingerprint);
        refreshIfChanged();
        String known = contents.peers.get(name);
        if (known == null) {
            return new Verdict(Status.UNKNOWN, null);
        }
        return new Verdict(known.equals(fingerprint) ? Status.TRUSTED : Status.MISMATCH, known);
    }

    /**
     * True when {@code username} is known with {@code fingerprint} and was chosen by the user
     * (dialed, or verified), not merely pinned because it dialed us.
     */
    public synchronized boolean chosen(String username, String fingerprint) {
        String name = requireUsername(username);
        requireFingerprint(fingerprint);
        refreshIfChanged();
        return fingerprint.equals(contents.peers.get(name)) && !contents.tags.getOrDefault(name, "").contains(MET);
    }

    /** Whether the user confirmed this peer's safety number (and the key is still that one). */
    public synchronized boolean verified(String username, String fingerprint) {
        String name = requireUsername(username);
        requireFingerprint(fingerprint);
        refreshIfChanged();
        return fingerprint.equals(contents.peers.get(name)) && contents.tags.getOrDefault(name, "").contains(VERIFIED);
    }

    public synchronized Optional<String> fingerprintOf(String username) {
        String name = requireUsername(username);
        refreshIfChanged();
        return Optional.ofNullable(contents.peers.get(name));
    }

    /** Every known peer, username to fingerprint, sorted by username. */
    public synchronized Map<String, String> peers() {
        refreshIfChanged();
        return Collections.unmodifiableMap(new TreeMap<>(contents.peers));
    }

    /**
     * Adds {@code username} with {@code fingerprint}, chosen by the user; nothing changes if it
     * is already known and chosen with that fingerprint, and a peer pinned when it dialed us
     * loses its {@code met} tag.
     *
     * @throws IdentityException if the name is already known with another fingerprint (use
     *                           {@link #replace} once the user confirmed the new one), or the
     *                           file cannot be written
     */
    public void remember(String username, String fingerprint) throws IdentityException {
        update(requireUsername(username), requireFingerprint(fingerprint), false, Tagging.CHOSEN);
    }

    /**
     * Pins a peer that dialed us ({@code met}): checked like any other from now on, but not
     * someone the user chose; the oldest such pins make room beyond {@value #MAX_MET}. A peer
     * already known is left as it is.
     */
    public void rememberMet(String username, String fingerprint) throws IdentityException {
        update(requireUsername(username), requireFingerprint(fingerprint), false, Tagging.MET);
    }

    /** Marks a known peer verified (its safety number confirmed); it is then chosen, too. */
    public void markVerified(String username, String fingerprint) throws IdentityException {
        update(requireUsername(username), requireFingerprint(fingerprint), false, Tagging.VERIFIED);
    }

    /** Sets the fingerprint of {@code username}, replacing a known one (and its tags). */
    public void replace(String username, String fingerprint) throws IdentityException {
        update(requireUsername(username), requireFingerprint(fingerprint), true, Tagging.CHOSEN);
    }

    /**
     * Follows a key rotation the directory's key log proved (signed by the pinned key): the new
     * fingerprint replaces the old, a {@code met} tag stays (a stranger stays a stranger) and
     * {@code verified} goes (the safety number was of the old key).
     */
    public void rotate(String username, String fingerprint) throws IdentityException {
        update(requireUsername(username), requireFingerprint(fingerprint), true, Tagging.ROTATED);
    }

    /** What an update does to the entry's tags. */
    private enum Tagging {
        /** Keeps {@code met}, drops {@code verified}: a rotation of the key. */
        ROTATED,
        /** No {@code met}: the user chose this peer (a {@code verified} tag stays). */
        CHOSEN,
        /** A new entry is {@code met}; an existing one keeps its tags. */
        MET,
        /** Adds {@code verified}, drops {@code met}. */
        VERIFIED
    }

    /** What was wrong with the file when it was last read, one line each. */
    public synchronized List<String> warnings() {
        return contents.warnings;
    }

    /** True for 3–32 characters of {@code A-Z a-z 0-9 _ . -} starting with a letter or digit. */
    public static boolean isValidUsername(String username) {
        return Usernames.isValid(username);
    }

    private synchronized void update(String name, String fingerprint, boolean replace, Tagging tagging)
            throws IdentityException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            SecureFiles.createPrivateDirectories(dir);
            SecureFiles.withLock(lockFile, () -> {
                Contents current = read(file); // another process may have written since
                contents = current;
                String known = current.peers.get(name);
                String tags = current.tags.getOrDefault(name, "");
                String newTags = switch (tagging) {
                    case CHOSEN -> fingerprint.equals(known) ? withoutTag(tags, MET) : "";
                    case MET -> known == null ? MET : tags;
                    case VERIFIED -> withTag(withoutTag(tags, MET), VERIFIED);
                    case ROTATED -> withoutTag(tags, VERIFIED);
                };
                if (fingerprint.equals(known) && newTags.equals(tags)) {
                    return null;
                }
                if (known != null && !known.equals(fingerprint) && !replace) {
                    throw new IdentityException(name + " is already known in " + file + " with fingerprint "
                            + known + "; not replacing it with " + fingerprint);
                }
                if (current.truncated) {
                    throw new IdentityException("not rewriting " + file + ": it is larger than "
                            + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
                }
                byte[] updated = current.with(name, fingerprint, newTags,
                        known == null && MET.equals(newTags) ? MAX_MET : Integer.MAX_VALUE);
                SecureFiles.writeAtomically(file, updated);
                contents = read(file);
                return null;
            });
        } catch (IdentityException e) {
            throw e;
        } catch (IOException e) {
            throw new IdentityException("cannot write " + file + ": " + Identity.reason(e), e);
        }
    }

    private static String withTag(String tags, String tag) {
        if (java.util.Arrays.asList(tags.split(",")).contains(tag)) {
            return tags;
        }
        return tags.isEmpty() ? tag : tags + "," + tag;
    }

    private static String withoutTag(String tags, String tag) {
        return String.join(",", java.util.Arrays.stream(tags.split(","))
                .filter(t -> !t.isEmpty() && !t.equals(tag)).toList());
    }

    private void refreshIfChanged() {
        Stamp now = Stamp.of(file);
        if (now.equals(contents.stamp)) {
            return;
        }
        try {
            contents = read(file);
        } catch (IdentityException e) {
            List<String> warnings = new ArrayList<>(contents.warnings);
            warnings.add(e.getMessage() + " (still using what was read before)");
            contents = contents.withWarnings(warnings);
        }
    }

    private static String requireUsername(String username) {
        if (!isValidUsername(username)) {
            throw new IllegalArgumentException("not a valid username");
        }
        return username.toLowerCase(Locale.ROOT);
    }

    private static String requireFingerprint(String fingerprint) {
        if (!Fingerprints.isValid(fingerprint)) {
            throw new IllegalArgumentException("not a fingerprint: expected 64 lowercase hex characters");
        }
        return fingerprint;
    }

    private static Contents read(Path file) throws IdentityException {
        String prefix = "cannot read " + file + ": ";
        Stamp stamp = Stamp.of(file);
        if (!Files.exists(file)) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IdentityException(prefix + "it is a link to nothing");
            }
            return Contents.parse(file, new byte[0], false, stamp);
        }
        if (!Files.isRegularFile(file)) {
            throw new IdentityException(prefix + "not a regular file");
        }
        try {
            SecureFiles.Bounded bounded = SecureFiles.readBounded(file, MAX_FILE_BYTES);
            return Contents.parse(file, bounded.bytes(), bounded.truncated(), stamp);
        } catch (IOException e) {
            throw new IdentityException(prefix + Identity.reason(e), e);
        }
    }

    /** Size and modification time: enough to notice another process rewrote the file. */
    private record Stamp(long size, FileTime modified, Object fileKey) {
        static final Stamp ABSENT = new Stamp(-1, null, null);

        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
            } catch (IOException e) {
                return ABSENT;
            }
        }
    }

    /**
     * One line of the file as it was, and the entry it holds if it is one; {@code duplicate}
     * for a later line naming the same user, which does not count.
     */
    private record Line(String raw, String username, boolean duplicate) {
        static Line other(String raw) {
            return new Line(raw, null, false);
        }
    }

    private static final class Contents {
        final List<Line> lines;
        final Map<String, String> peers;
        /** Tags by username ({@code met}, {@code verified}), empty when none. */
        final Map<String, String> tags;
        final List<String> warnings;
        final boolean truncated;
        final Stamp stamp;

        private Contents(List<Line> lines, Map<String, String> peers, Map<String, String> tags, List<String> warnings,
                         boolean truncated, Stamp stamp) {
            this.lines = lines;
            this.peers = peers;
            this.tags = tags;
            this.warnings = List.copyOf(warnings);
            this.truncated = truncated;
            this.stamp = stamp;
        }

        Contents withWarnings(List<String> newWarnings) {
            return new Contents(lines, peers, tags, newWarnings, truncated, stamp);
        }

        /**
         * ISO-8859-1 maps every byte to one char and back, so lines that are not entries are
         * written back exactly as they were, whatever their encoding.
         */
        static Contents parse(Path file, byte[] bytes, boolean truncated, Stamp stamp) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            List<String> raws = new ArrayList<>(List.of(text.split("\n", -1)));
            if (raws.get(raws.size() - 1).isEmpty() || truncated) {
                raws.remove(raws.size() - 1); // after the last newline, or cut off by the size bound
            }
            List<Line> lines = new ArrayList<>(raws.size());
            Map<String, String> peers = new LinkedHashMap<>();
            Map<String, String> tags = new LinkedHashMap<>();
            Map<String, Integer> firstLine = new LinkedHashMap<>();
            List<String> warnings = new ArrayList<>();
            if (truncated) {
                warnings.add(file + " is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                        + " MiB: only its beginning was read, and it will not be rewritten");
            }
            for (int i = 0; i < raws.size(); i++) {
                String raw = raws.get(i);
                int number = i + 1;
                String problem = problem(raw);
                if (problem != null) {
                    warnings.add(file + " line " + number + ": " + problem + "; skipped");
                    lines.add(Line.other(raw));
                    continue;
                }
                String stripped = raw.strip();
                if (stripped.isEmpty() || stripped.startsWith("#")) {
                    lines.add(Line.other(raw));
                    continue;
                }
                String[] fields = FIELD_SEPARATOR.split(stripped);
                String entryProblem = entryProblem(fields);
                if (entryProblem != null) {
                    warnings.add(file + " line " + number + ": " + entryProblem + "; skipped");
                    lines.add(Line.other(raw));
                    continue;
                }
                String name = fields[0].toLowerCase(Locale.ROOT);
                String fingerprint = fields[1].toLowerCase(Locale.ROOT);
                Integer first = firstLine.get(name);
                if (first != null) {
                    if (!peers.get(name).equals(fingerprint)) {
                        warnings.add(file + " line " + number + ": another fingerprint for " + name + " than on line "
                                + first + "; line " + first + " counts");
                    }
                    lines.add(new Line(raw, name, true));
                    continue;
                }
                firstLine.put(name, number);
                peers.put(name, fingerprint);
                if (fields.length == 3) {
                    tags.put(name, fields[2].toLowerCase(Locale.ROOT));
                }
                lines.add(new Line(raw, name, false));
            }
            return new Contents(lines, peers, tags, warnings, truncated, stamp);
        }

        private static String problem(String raw) {
            if (raw.length() > MAX_LINE_CHARS) {
                return "longer than " + MAX_LINE_CHARS + " characters";
            }
            String text = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (text.stripLeading().startsWith("#")) {
                return null; // comments may hold anything printable or not
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c < 0x20 && c != '\t') || c > 0x7e) {
                    return "not printable ASCII";
                }
            }
            return null;
        }

        private static String entryProblem(String[] fields) {
            if (fields.length == 1) {
                return "no fingerprint after the username";
            }
            if (fields.length > 3) {
                return "expected 'username fingerprint [tags]', found " + fields.length + " fields";
            }
            if (fields.length == 3) {
                for (String tag : fields[2].toLowerCase(Locale.ROOT).split(",")) {
                    if (!TAGS.contains(tag)) {
                        return "unknown tag (expected met or verified)";
                    }
                }
            }
            if (!isValidUsername(fields[0])) {
                return "not a valid username";
            }
            if (!Fingerprints.isValid(fields[1].toLowerCase(Locale.ROOT))) {
                return "the fingerprint is not 64 hex characters";
            }
            return null;
        }

        /**
         * The file's bytes with {@code name} set to {@code fingerprint} and {@code tags}: its line
         * replaced (and later lines for the same name dropped), or one appended. With
         * {@code maxMet} entries tagged {@code met} already, the oldest of them are dropped to
         * make room for one more.
         */
        byte[] with(String name, String fingerprint, String tags, int maxMet) {
            String entry = name + " " + fingerprint + (tags.isEmpty() ? "" : " " + tags);
            List<String> met = new ArrayList<>();
            for (Line line : lines) {
                if (line.username() != null && !line.duplicate() && !line.username().equals(name)
                        && this.tags.getOrDefault(line.username(), "").contains(MET)) {
                    met.add(line.username());
                }
            }
            java.util.Set<String> dropped = new java.util.HashSet<>(
                    met.subList(0, Math.max(0, Math.min(met.size(), met.size() - maxMet + 1))));
            StringBuilder out = new StringBuilder();
            boolean written = false;
            for (Line line : lines) {
                if (line.username() != null && dropped.contains(line.username())) {
                    continue;
                }
                if (name.equals(line.username())) {
                    if (!line.duplicate()) {
                        out.append(entry).append('\n');
                        written = true;
                    }
                } else {
                    out.append(line.raw()).append('\n');
                }
            }
            if (!written) {
                out.append(entry).append('\n');
            }
            return out.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
