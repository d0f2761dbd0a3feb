package org.homocloud.cli.load;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;

/**
 * Reads the files {@code load} posts into transaction Bundles, as an EHR would send them: a JSON transaction or
 * batch Bundle as it is; any other single JSON resource as a one-entry transaction; NDJSON (one resource per
 * line, {@code .ndjson}) in transactions of {@value #NDJSON_BATCH} resources, each entry a PUT to
 * {@code Type/id} when the resource has an id (so references between lines hold) and a POST otherwise.
 */
public final class ResourceFiles {

    /** Resources per transaction from an NDJSON file: large enough to amortize a commit, small enough to retry. */
    public static final int NDJSON_BATCH = 500;

    private final FhirContext fhirContext;

    public ResourceFiles(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    /** The transaction Bundles of one file, in order. */
    public List<Bundle> read(Path file) {
        try {
            if (file.getFileName().toString().endsWith(".ndjson")) {
                return readNdjson(file);
            }
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                IBaseResource resource = parser().parseResource(reader);
                if (resource instanceof Bundle bundle
                        && (bundle.getType() == Bundle.BundleType.TRANSACTION || bundle.getType() == Bundle.BundleType.BATCH)) {
                    return List.of(bundle);
                }
                if (resource instanceof Bundle bundle) {
                    throw new CliException(ExitCode.FAILED, file + ": a Bundle of type " + bundle.getTypeElement().getValueAsString()
                            + "; load posts transaction or batch Bundles, or single resources, or NDJSON");
                }
                Bundle single = newTransaction();
                addEntry(single, (Resource) resource);
                return List.of(single);
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (DataFormatException e) {
            throw new CliException(ExitCode.FAILED, file + " is not a FHIR R4 JSON resource: " + e.getMessage(), e);
        }
    }

    private List<Bundle> readNdjson(Path file) throws IOException {
        List<Bundle> bundles = new ArrayList<>();
        Bundle current = newTransaction();
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                IBaseResource resource;
                try {
                    resource = parser().parseResource(line);
                } catch (DataFormatException e) {
                    throw new CliException(ExitCode.FAILED, file + " line " + lineNumber + " is not a FHIR R4 JSON resource: "
                            + e.getMessage(), e);
                }
                addEntry(current, (Resource) resource);
                if (current.getEntry().size() == NDJSON_BATCH) {
                    bundles.add(current);
                    current = newTransaction();
                }
            }
        }
        if (!current.getEntry().isEmpty()) {
            bundles.add(current);
        }
        return bundles;
    }

    private IParser parser() {
        return fhirContext.newJsonParser();
    }

    private static Bundle newTransaction() {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.TRANSACTION);
        return bundle;
    }

    private static void addEntry(Bundle bundle, Resource resource) {
        Bundle.BundleEntryComponent entry = bundle.addEntry().setResource(resource);
        String type = resource.fhirType();
        if (resource.hasIdElement() && resource.getIdElement().hasIdPart()) {
            String id = resource.getIdElement().getIdPart();
            entry.setFullUrl(type + "/" + id);
            entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(type + "/" + id);
        } else {
            entry.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(type);
        }
    }
}
