package org.homocloud.cli.load;

import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.StringType;

/**
 * The extension an encrypted Observation value carries in place of its decimal (the contract in
 * docs/design.md): a primitive extension on {@code valueQuantity.value} naming the key set, its version, the
 * packing group (one imported ciphertext) and the slot the value sits in.
 */
public final class EncryptedValueExtension {

    public static final String URL = "http://homocloud.org/fhir/StructureDefinition/encrypted-value";

    private EncryptedValueExtension() {
    }

    /** A decimal element with no value and the extension pointing at ({@code group}, {@code slot}). */
    public static DecimalType encryptedDecimal(String keySetId, int keySetVersion, String group, int slot) {
        DecimalType decimal = new DecimalType();
        Extension extension = decimal.addExtension().setUrl(URL);
        extension.addExtension("keySet", new StringType(keySetId));
        extension.addExtension("keySetVersion", new IntegerType(keySetVersion));
        extension.addExtension("group", new StringType(group));
        extension.addExtension("slot", new IntegerType(slot));
        return decimal;
    }
}
