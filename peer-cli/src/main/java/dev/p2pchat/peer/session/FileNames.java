package dev.p2pchat.peer.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a file name a peer sent into one plain name that is safe in any downloads folder: no
 * path parts, no control or format characters, never {@code .} or {@code ..}, no hidden dotfile
 * ({@code .bashrc} becomes {@code _bashrc}), no name that Windows reserves, at most 255 bytes of
 * UTF-8 (the extension kept), never empty.
 */
public final class FileNames {

    static final int MAX_BYTES = 255;
    /** Folders a received file may be nested in, below the downloads folder. */
    public static final int MAX_DEPTH = 32;
    private static final Set<String> WINDOWS_RESERVED = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");
    private static final String FALLBACK = "file";

    private FileNames() {
    }

    public static String sanitize(String offered) {
        String name = offered == null ? "" : offered;
        // keep only the last path component, whichever separator the sender's system uses
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        StringBuilder clean = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|') {
                clean.append('_');
            } else {
                clean.appendCodePoint(c);
            }
        });
        name = clean.toString().strip();
        // Windows drops trailing dots and spaces; a name of dots only is a path, not a file
        while (name.endsWith(".") || name.endsWith(" ")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            return FALLBACK;
        }
        if (name.startsWith(".")) {
            // a dotfile is hidden from the user and read by programs (.bashrc, .ssh, .env): not from a stranger
            name = "_" + name.substring(1);
        }
        int dot = name.indexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        if (WINDOWS_RESERVED.contains(stem.strip().toUpperCase(Locale.ROOT))) {
            name = "_" + name;
        }
        return truncate(name);
    }

    /**
     * The folders of an offered {@code path} (FILE_OFFER of a folder being sent): split at
     * {@code /} and backslash, empty parts dropped, each part sanitized like a file name (so
     * {@code ..} and {@code .} become plain names, never a step up), at most {@link #MAX_DEPTH}.
     * Null or an empty list for a file outside any folder.
     *
     * @throws IllegalArgumentException when the path has more than {@link #MAX_DEPTH} parts
     */
    public static List<String> folders(String offeredPath) {
        if (offeredPath == null) {
            return List.of();
        }
        List<String> folders = new ArrayList<>();
        for (String part : offeredPath.split("[/\\\\]")) {
            if (part.isEmpty()) {
                continue;
            }
            if (folders.size() == MAX_DEPTH) {
                throw new IllegalArgumentException("more than " + MAX_DEPTH + " nested folders");
            }
            folders.add(sanitize(part));
        }
        return List.copyOf(folders);
    }

    /** At most 255 UTF-8 bytes, cutting the stem so that the extension survives. */
    static String truncate(String name) {
        return utf8(name) <= MAX_BYTES ? name : join(name, "");
    }

    /** {@code name (n).ext}: the n-th alternative when {@code name.ext} is taken. */
    public static String numbered(String name, int n) {
        return join(name, " (" + n + ")");
    }

    /** stem + suffix + extension within 255 bytes; short extensions are kept whole. */
    private static String join(String name, String suffix) {
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - extension.length());
        int budget = MAX_BYTES - utf8(extension) - utf8(suffix);
        StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int i = 0; i < stem.length(); ) {
            int c = stem.codePointAt(i);
            int size = utf8(new String(Character.toChars(c)));
            if (used + size > budget) {
                break;
            }
            kept.appendCodePoint(c);
            used += size;
            i += Character.charCount(c);
        }
        // a cut may end on a dot or a space, which Windows would drop: never end a name with one
        String keptStem = kept.toString().strip().replaceAll("[. ]+$", "");
        return (keptStem.isEmpty() ? FALLBACK : keptStem) + suffix + extension;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
