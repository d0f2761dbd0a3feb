package org.homocloud.fhir.operations;

import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;

/**
 * Moves the ciphertexts of an operation's result that are larger than the inline limit into Binary resources and
 * leaves a reference to each in its place ({@code valueReference} {@code Binary/ID} instead of
 * {@code valueBase64Binary}, same parameter name). A logN 16 ciphertext is about a megabyte per level left, 4/3
 * more as base64, which every client would otherwise parse as one JSON string and a browser would hold twice; a reference
 * is fetched as raw bytes ({@code Accept: application/octet-stream}) when wanted. Smaller ciphertexts stay inline,
 * where one round trip answers.
 */
public final class LargeCiphertexts {

  private final ResultBinaries binaries;
  private final long inlineLimit;

  /** @param inlineLimit the largest ciphertext (serialized bytes) answered inline */
  public LargeCiphertexts(ResultBinaries binaries, long inlineLimit) {
    if (inlineLimit < 0) {
      throw new IllegalArgumentException("the inline limit must not be negative: " + inlineLimit);
    }
    this.binaries = binaries;
    this.inlineLimit = inlineLimit;
  }

  /** Replaces, in place, each ciphertext of {@code result} above the limit by a reference readable by {@code owner}. */
  public Parameters referenceLarge(Parameters result, String owner) {
    for (ParametersParameterComponent parameter : result.getParameter()) {
      referenceLarge(parameter, owner);
    }
    return result;
  }

  private void referenceLarge(ParametersParameterComponent parameter, String owner) {
    if (parameter.getValue() instanceof Base64BinaryType ciphertext && ciphertext.getValue() != null
        && ciphertext.getValue().length > inlineLimit) {
      byte[] bytes = ciphertext.getValue();
      parameter.setValue(new Reference(binaries.store(bytes, owner)).setType("Binary")
          .setDisplay("ciphertext, " + bytes.length + " bytes"));
    }
    for (ParametersParameterComponent part : parameter.getPart()) {
      referenceLarge(part, owner);
    }
  }
}
