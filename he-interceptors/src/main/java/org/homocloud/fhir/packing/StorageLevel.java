package org.homocloud.fhir.packing;

import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.SlotIsolation;

/**
 * The level stored ciphertexts are encrypted at: the lowest that still lets {@link SlotIsolation} cut one
 * record's slots out of a packed ciphertext for values up to the ingest bound. Lower levels mean fewer
 * primes, so smaller ciphertexts: at the default logN 14 parameters this is level 3 (4 primes, 210 bits),
 * 860 KB for 8,192 values, 105 bytes each; the top level would cost 158 bytes a value. This is modulus
 * switching used for storage: the analytics start from this level too.
 */
public final class StorageLevel {

  private StorageLevel() {}

  /** The storage level for {@code parameters} and values of magnitude at most {@code valueBound}. */
  public static int of(CkksParameters parameters, double valueBound) {
    return SlotIsolation.lowestLevel(parameters, valueBound);
  }
}
