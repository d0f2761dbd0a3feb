package org.homocloud.he.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;

/**
 * A key set shaped like the product's (relinearization, rotations by every power of two in both
 * directions, conjugation) at INSECURE test parameters, built once per parameter set.
 */
final class AnalyticsTestKeys {

  /** Stored ciphertexts sit at this level, as in the storage contract. */
  static final int STORAGE_LEVEL = 3;

  private static final Map<String, AnalyticsTestKeys> CACHE = new ConcurrentHashMap<>();

  final CkksParameters parameters;
  final Encoder encoder;
  final Encryptor encryptor;
  final Decryptor decryptor;
  final Evaluator evaluator;

  private AnalyticsTestKeys(CkksParameters parameters) {
    this.parameters = parameters;
    KeyGenerator generator = new KeyGenerator(parameters.rlwe());
    SecretKey sk = generator.generateSecretKey();
    List<GaloisKey> galois = new ArrayList<>();
    for (int k = 1; k < parameters.slots(); k <<= 1) {
      galois.add(generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), k)));
      galois.add(generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), -k)));
    }
    galois.add(generator.generateGaloisKey(sk, Rotations.conjugationElement(parameters.logN())));
    encoder = new Encoder(parameters);
    encryptor = Encryptor.withPublicKey(generator.generatePublicKey(sk));
    decryptor = new Decryptor(sk);
    evaluator = new Evaluator(parameters, new EvaluationKeySet(generator.generateRelinearizationKey(sk), galois));
  }

  /** INSECURE logN 12 (2048 slots, scale 2^45). */
  static AnalyticsTestKeys logN12() {
    return CACHE.computeIfAbsent("logN12", n -> new AnalyticsTestKeys(CkksPresets.insecureForTestingLogN12()));
  }

  /** Values packed into one ciphertext at the storage level, unused slots zero. */
  Ciphertext store(double[] values) {
    return encryptor.encrypt(encoder.encode(values, null, parameters.logSlots(), STORAGE_LEVEL, parameters.defaultScale()));
  }

  double[] decrypt(Ciphertext ct) {
    return encoder.decodeReal(decryptor.decrypt(ct));
  }
}
