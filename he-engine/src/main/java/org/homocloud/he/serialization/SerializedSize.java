package org.homocloud.he.serialization;

import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ring.RnsRing;

/**
 * Exact sizes in bytes of serialized objects, computed from their shape alone (no object, no
 * serialization): what benchmarks report and what storage planning needs. Each equals the
 * length of the corresponding codec's output.
 */
public final class SerializedSize {

  private SerializedSize() {}

  /** A ciphertext of this degree (1 or 2) at this level; {@code seeded} counts
   * only for degree 1, the only degree written seeded. */
  public static long ciphertext(CkksParameters parameters, int degree, int level, boolean seeded) {
    return Header.size(ObjectType.CIPHERTEXT) + ciphertextBody(parameters, degree, level, seeded);
  }

  public static long plaintext(CkksParameters parameters, int level) {
    return Header.size(ObjectType.PLAINTEXT) + plaintextBody(parameters, level);
  }

  public static long publicKey(CkksParameters parameters) {
    return Header.size(ObjectType.PUBLIC_KEY) + publicKeyBody(parameters);
  }

  public static long secretKey(CkksParameters parameters) {
    return new SecretKeyCodec(parameters).size();
  }

  public static long switchingKey(CkksParameters parameters, boolean seeded) {
    return Header.size(ObjectType.SWITCHING_KEY) + SwitchingKeyBody.size(parameters, seeded);
  }

  public static long relinearizationKey(CkksParameters parameters, boolean seeded) {
    return Header.size(ObjectType.RELINEARIZATION_KEY) + SwitchingKeyBody.size(parameters, seeded);
  }

  public static long galoisKey(CkksParameters parameters, boolean seeded) {
    return Header.size(ObjectType.GALOIS_KEY) + GaloisKeyCodec.size(parameters, seeded);
  }

  /** A key set with or without a relinearization key and {@code galoisKeys} Galois keys, all seeded or all not. */
  public static long evaluationKeySet(CkksParameters parameters, boolean relinearization, int galoisKeys, boolean seeded) {
    return Header.size(ObjectType.EVALUATION_KEY_SET) + 1 + 4
        + (relinearization ? SwitchingKeyBody.size(parameters, seeded) : 0)
        + galoisKeys * GaloisKeyCodec.size(parameters, seeded);
  }

  public static long parameters(CkksParameters parameters) {
    return ParametersCodec.size(parameters);
  }

  static long ciphertextBody(CkksParameters parameters, int degree, int level, boolean seeded) {
    FieldChecks.degree(degree, "ciphertext");
    FieldChecks.level(level, parameters, "ciphertext");
    RnsRing ringQ = parameters.rlwe().ringQ();
    boolean withSeed = seeded && degree == 1;
    long polys = degree + 1 - (withSeed ? 1 : 0);
    return 1 + 1 + 1 + 8 + 1 + (withSeed ? SerializationFormat.SEED_BYTES : 0)
        + polys * PolyPacking.size(ringQ, level + 1);
  }

  static long plaintextBody(CkksParameters parameters, int level) {
    FieldChecks.level(level, parameters, "plaintext");
    return 1 + 1 + 8 + PolyPacking.size(parameters.rlwe().ringQ(), level + 1);
  }

  static long publicKeyBody(CkksParameters parameters) {
    RnsRing ringQ = parameters.rlwe().ringQ();
    return 2 * PolyPacking.size(ringQ, ringQ.primeCount());
  }
}
