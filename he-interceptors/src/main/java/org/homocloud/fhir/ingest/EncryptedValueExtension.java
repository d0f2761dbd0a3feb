package org.homocloud.fhir.ingest;

import java.util.Optional;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.homocloud.fhir.packing.ValueLocation;

/**
 * The primitive extension that stands for an encrypted {@code Quantity.value}: which key-set version
 * encrypted it and which slot of which packing group holds it. Defined by the StructureDefinition the
 * server publishes ({@value #URL}); the decimal itself is absent wherever this extension is present.
 */
public final class EncryptedValueExtension {

  public static final String URL = "http://homocloud.org/fhir/StructureDefinition/encrypted-value";
  /** Sub-extension: the key-set id (valueString). */
  public static final String KEY_SET = "keySet";
  /** Sub-extension: the key-set version (valueInteger). */
  public static final String KEY_SET_VERSION = "keySetVersion";
  /** Sub-extension: the packing group, one packed ciphertext's slot space (valueString). */
  public static final String GROUP = "group";
  /** Sub-extension: the slot of the group that holds this value (valueInteger). */
  public static final String SLOT = "slot";

  private EncryptedValueExtension() {}

  /** Replaces the quantity's decimal by the extension for {@code location}. */
  public static void replaceValue(Quantity quantity, ValueLocation location) {
    DecimalType element = quantity.getValueElement();
    element.setValue(null);
    element.getExtension().removeIf(e -> URL.equals(e.getUrl()));
    Extension extension = new Extension(URL);
    extension.addExtension(KEY_SET, new StringType(location.keySetId()));
    extension.addExtension(KEY_SET_VERSION, new IntegerType(location.keySetVersion()));
    extension.addExtension(GROUP, new StringType(location.groupId()));
    extension.addExtension(SLOT, new IntegerType(location.slot()));
    element.addExtension(extension);
  }

  /** Whether the quantity carries this extension (on its value element). */
  public static boolean isPresent(Quantity quantity) {
    return quantity.hasValueElement() && quantity.getValueElement().getExtensionByUrl(URL) != null;
  }

  /**
   * The location the quantity's extension names.
   *
   * @throws IllegalArgumentException if the extension is there but incomplete or mistyped
   */
  public static Optional<ValueLocation> read(Quantity quantity) {
    if (!isPresent(quantity)) {
      return Optional.empty();
    }
    Extension extension = quantity.getValueElement().getExtensionByUrl(URL);
    return Optional.of(new ValueLocation(string(extension, KEY_SET), integer(extension, KEY_SET_VERSION),
        string(extension, GROUP), integer(extension, SLOT)));
  }

  private static String string(Extension extension, String name) {
    Type value = sub(extension, name);
    if (!(value instanceof StringType s) || s.getValue() == null || s.getValue().isBlank()) {
      throw new IllegalArgumentException("extension " + URL + " needs a valueString '" + name + "'");
    }
    return s.getValue();
  }

  private static int integer(Extension extension, String name) {
    Type value = sub(extension, name);
    if (!(value instanceof IntegerType i) || i.getValue() == null) {
      throw new IllegalArgumentException("extension " + URL + " needs a valueInteger '" + name + "'");
    }
    return i.getValue();
  }

  private static Type sub(Extension extension, String name) {
    Extension sub = extension.getExtensionByUrl(name);
    return sub == null ? null : sub.getValue();
  }
}
