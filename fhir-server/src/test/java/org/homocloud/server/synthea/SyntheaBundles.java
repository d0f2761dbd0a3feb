package org.homocloud.server.synthea;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The 40 Synthea patient transaction Bundles kept in {@code shared/data/synthea-r4} beside the repository.
 *
 * <p>The folder is found from {@code -Dhomocloud.synthea.dir}, then {@code HOMOCLOUD_SYNTHEA_DIR}, then by
 * walking up from the working directory looking for {@code shared/data/synthea-r4} (the repository root's
 * parent holds {@code shared/} on developer machines and in CI). A missing folder is an error, never a skip:
 * a green run must mean the real data was loaded.
 */
public final class SyntheaBundles {

    public static final int EXPECTED_PATIENTS = 40;
    private static final Path RELATIVE = Path.of("shared", "data", "synthea-r4");

    private SyntheaBundles() {}

    public static Path directory() {
        String configured = System.getProperty("homocloud.synthea.dir", System.getenv("HOMOCLOUD_SYNTHEA_DIR"));
        if (configured != null && !configured.isBlank()) {
            return requireDirectory(Path.of(configured), "homocloud.synthea.dir / HOMOCLOUD_SYNTHEA_DIR");
        }
        List<Path> tried = new ArrayList<>();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            tried.add(candidate);
        }
        throw new IllegalStateException("Synthea bundles not found; looked in " + tried
                + ". Put the shared/ folder beside the repository or set HOMOCLOUD_SYNTHEA_DIR.");
    }

    /** Bundle files in name order, so runs are repeatable. */
    public static List<Path> files() {
        Path dir = directory();
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> files = entries.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no .json bundles in " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    public static Bundle parse(FhirContext context, Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return context.newJsonParser().parseResource(Bundle.class, reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Path requireDirectory(Path dir, String source) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(source + " points at " + dir + ", which is not a directory");
        }
        return dir;
    }
}
