package org.homocloud.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.hl7.fhir.r4.model.StructureDefinition;

/** The StructureDefinition of the {@link EncryptedValueExtension}, as the server publishes it. */
public final class EncryptedValueDefinition {

  private static final String RESOURCE = "StructureDefinition-encrypted-value.json";

  private EncryptedValueDefinition() {}

  /** A fresh copy, parsed from the definition shipped with this library. */
  public static StructureDefinition load(FhirContext context) {
    try (InputStream in = EncryptedValueDefinition.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return context.newJsonParser().parseResource(StructureDefinition.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
