package org.homocloud.fhir.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.hl7.fhir.r4.model.Quantity;

/**
 * The key by which two quantities' units are compared: for UCUM units the canonical form of one unit
 * (canonical units and factor), so that units UCUM considers equal compare equal (an annotation such as
 * {@code {1.73_m2}} is 1); otherwise {@code system|code}, or the unit text.
 */
final class UnitKeys {

  static final String UCUM = "http://unitsofmeasure.org";
  private static final UcumEssenceService SERVICE = load();
  private static final Map<String, String> CANONICAL = new ConcurrentHashMap<>();

  private UnitKeys() {}

  static CodeUnitRegistry.Unit of(Quantity quantity) {
    if (quantity.hasCode()) {
      String display = quantity.getCode();
      if (UCUM.equals(quantity.getSystem())) {
        return new CodeUnitRegistry.Unit(CANONICAL.computeIfAbsent(quantity.getCode(), UnitKeys::canonical), display);
      }
      return new CodeUnitRegistry.Unit(quantity.getSystem() + "|" + quantity.getCode(), display);
    }
    String text = quantity.hasUnit() ? quantity.getUnit() : "(no unit)";
    return new CodeUnitRegistry.Unit("text|" + text, text);
  }

  private static String canonical(String code) {
    try {
      Pair form = SERVICE.getCanonicalForm(new Pair(new Decimal(1), code));
      return "ucum|" + form.getCode() + "|" + form.getValue().asDecimal();
    } catch (UcumException | RuntimeException e) {
      return UCUM + "|" + code; // not valid UCUM: compared as written
    }
  }

  private static UcumEssenceService load() {
    try (InputStream in = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
      return new UcumEssenceService(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UcumException e) {
      throw new IllegalStateException("cannot load UCUM's essence file: " + e.getMessage(), e);
    }
  }
}
