package org.homocloud.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.server.synthea.SyntheaBundles;

/**
 * A copy of a Synthea Bundle whose patient carries a fresh identifier, so a test finds exactly its own patient
 * on the shared test server, where other tests load the same Bundles.
 *
 * @param file the copy, to hand to {@code load}
 * @param source the copy's content, parsed
 * @param identifier the patient's fresh identifier
 */
record UniquePatientBundle(Path file, Bundle source, Identifier identifier) {

    static UniquePatientBundle copyOf(Path syntheaFile, Path dir, FhirContext context) {
        Bundle bundle = SyntheaBundles.parse(context, syntheaFile);
        Patient patient = (Patient) bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient)
                .findFirst().orElseThrow().getResource();
        Identifier identifier = patient.getIdentifierFirstRep();
        identifier.setValue("cli-test-" + UUID.randomUUID());
        Path copy = dir.resolve(identifier.getValue() + ".json");
        try {
            Files.writeString(copy, context.newJsonParser().encodeResourceToString(bundle));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new UniquePatientBundle(copy, SyntheaBundles.parse(context, copy), identifier);
    }
}
