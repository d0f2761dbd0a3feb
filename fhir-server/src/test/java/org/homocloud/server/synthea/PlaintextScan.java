package org.homocloud.server.synthea;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Looks for plaintext Observation values in files: database files, write-ahead logs, the ciphertext store,
 * log files. A value stored in clear by HAPI appears as its Quantity's JSON, {@code {"value":72.63,"unit":"kg"}};
 * that form (value as sent, then its unit) is what is searched, in UTF-8 and UTF-16, because the bare digits
 * "72.63" occur by chance in dates, amounts and binary data. Each needle ends at a delimiter, so
 * {@code 72.6} does not match inside {@code 72.63}.
 */
public final class PlaintextScan {

    private static final String PREFIX = "{\"value\":";
    private static final String UNIT = ",\"unit\":\"";

    private PlaintextScan() {}

    /** The JSON form of one value as HAPI would store it in clear. */
    public static String needle(SyntheaValues.Value value) {
        return PREFIX + value.text() + UNIT;
    }

    /**
     * Every needle found in any regular file under {@code dir}. One pass per file and encoding: each
     * occurrence of the needles' common start {@code {"value":} is extended to the end of its
     * {@code ,"unit":"} and looked up in the set, so the cost does not grow with the number of values.
     */
    public static Set<String> find(Path dir, Collection<String> needles) {
        Set<String> wanted = Set.copyOf(needles);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> found = new LinkedHashSet<>();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                continue; // lock files vanish while we walk
            }
            for (java.nio.charset.Charset charset : List.of(StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16LE,
                    StandardCharsets.UTF_16BE)) {
                String text = new String(bytes, charset); // ISO-8859-1: one char per byte, so UTF-8 ASCII matches
                for (int at = text.indexOf(PREFIX); at >= 0; at = text.indexOf(PREFIX, at + 1)) {
                    int unit = text.indexOf(UNIT, at + PREFIX.length());
                    if (unit > 0 && unit - at < 64 && wanted.contains(text.substring(at, unit + UNIT.length()))) {
                        found.add(text.substring(at, unit + UNIT.length()) + " in " + dir.relativize(file));
                    }
                }
            }
        }
        return found;
    }

    /** Files under {@code dir}, for the report. */
    public static long totalBytes(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
