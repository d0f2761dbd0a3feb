package org.homocloud.he.ckks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.SecretKey;

/** Keys, encryptors and an evaluator for one named parameter set, built once per test class. */
final class CkksTestContext {

  static final int[] ROTATIONS = {1, 2, 3, 4, 5, 8, 16, 32, 64, 128, -1, -7};

  private static final Map<String, CkksTestContext> CACHE = new ConcurrentHashMap<>();

  final String name;
  final CkksParameters parameters;
  final KeyGenerator keyGenerator;
  final SecretKey secretKey;
  final PublicKey publicKey;
  final EvaluationKeySet evaluationKeys;
  final Encoder encoder;
  final Encryptor encryptor;
  final Encryptor secretKeyEncryptor;
  final Decryptor decryptor;
  final Evaluator evaluator;

  private CkksTestContext(String name, CkksParameters parameters) {
    this.name = name;
    this.parameters = parameters;
    keyGenerator = new KeyGenerator(parameters.rlwe());
    secretKey = keyGenerator.generateSecretKey();
    publicKey = keyGenerator.generatePublicKey(secretKey);
    List<GaloisKey> galois = new ArrayList<>();
    for (int k : ROTATIONS) {
      galois.add(keyGenerator.generateGaloisKey(secretKey, Rotations.galoisElement(parameters.logN(), k)));
    }
    galois.add(keyGenerator.generateGaloisKey(secretKey, Rotations.conjugationElement(parameters.logN())));
    evaluationKeys = new EvaluationKeySet(keyGenerator.generateRelinearizationKey(secretKey), galois);
    encoder = new Encoder(parameters);
    encryptor = Encryptor.withPublicKey(publicKey);
    secretKeyEncryptor = Encryptor.withSecretKey(secretKey);
    decryptor = new Decryptor(secretKey);
    evaluator = new Evaluator(parameters, evaluationKeys);
  }

  static CkksTestContext of(String name) {
    return CACHE.computeIfAbsent(name, n -> new CkksTestContext(n, TestParameterSets.byName(n)));
  }

  int slots() {
    return parameters.slots();
  }

  /** Uniform values in [-1, 1] (real) from a fixed seed. */
  double[] randomValues(long seed) {
    Random random = new Random(seed);
    double[] v = new double[slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }

  Ciphertext encrypt(double[] values) {
    return encryptor.encrypt(encoder.encode(values));
  }

  double[] decrypt(Ciphertext ct) {
    return encoder.decodeReal(decryptor.decrypt(ct));
  }

  @Override
  public String toString() {
    return name;
  }
}
