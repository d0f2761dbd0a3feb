package org.homocloud.he.serialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.RelinearizationKey;
import org.homocloud.he.rlwe.SecretKey;

/** Keys and helpers for one named parameter set, built once and shared by the serialization tests. */
final class SerializationFixture {

  static final String INSECURE_LOGN10 = "insecureForTestingLogN10";
  static final String INSECURE_LOGN12 = "insecureForTestingLogN12";
  /** INSECURE, N = 32: small enough that whole objects fit in a fuzzer's input. */
  static final String INSECURE_TINY = "insecureForTestingTiny";

  static final int[] ROTATIONS = {1, -1, 5};

  private static final Map<String, SerializationFixture> CACHE = new ConcurrentHashMap<>();

  final String name;
  final CkksParameters parameters;
  final KeyGenerator keyGenerator;
  final SecretKey secretKey;
  final PublicKey publicKey;
  final RelinearizationKey relinearizationKey;
  final List<GaloisKey> galoisKeys;
  final EvaluationKeySet evaluationKeys;
  final Encoder encoder;
  final Encryptor publicKeyEncryptor;
  final Encryptor secretKeyEncryptor;
  final Decryptor decryptor;

  private SerializationFixture(String name, CkksParameters parameters) {
    this.name = name;
    this.parameters = parameters;
    keyGenerator = new KeyGenerator(parameters.rlwe());
    secretKey = keyGenerator.generateSecretKey();
    publicKey = keyGenerator.generatePublicKey(secretKey);
    relinearizationKey = keyGenerator.generateRelinearizationKey(secretKey);
    galoisKeys = new ArrayList<>();
    for (int k : ROTATIONS) {
      galoisKeys.add(keyGenerator.generateGaloisKey(secretKey, Rotations.galoisElement(parameters.logN(), k)));
    }
    galoisKeys.add(keyGenerator.generateGaloisKey(secretKey, Rotations.conjugationElement(parameters.logN())));
    evaluationKeys = new EvaluationKeySet(relinearizationKey, galoisKeys);
    encoder = new Encoder(parameters);
    publicKeyEncryptor = Encryptor.withPublicKey(publicKey);
    secretKeyEncryptor = Encryptor.withSecretKey(secretKey);
    decryptor = new Decryptor(secretKey);
  }

  static SerializationFixture of(String name) {
    return CACHE.computeIfAbsent(name, n -> new SerializationFixture(n, parameters(n)));
  }

  /** The named sets the round-trip tests loop over. */
  static Stream<String> testSets() {
    return Stream.of(INSECURE_LOGN10, INSECURE_LOGN12);
  }

  static CkksParameters parameters(String name) {
    return switch (name) {
      case INSECURE_LOGN10 -> CkksPresets.insecureForTestingLogN10();
      case INSECURE_LOGN12 -> CkksPresets.insecureForTestingLogN12();
      case INSECURE_TINY -> tiny();
      default -> throw new IllegalArgumentException("unknown parameter set " + name);
    };
  }

  /**
   * INSECURE, for fuzzing only: N = 32, Q = two primes (31 and 26 bits), P = one 32-bit prime,
   * digits of one prime. The primes are spelled out so the committed fuzz seeds keep their
   * fingerprint even if the prime search changes.
   */
  static CkksParameters tiny() {
    return CkksParameters.builder().logN(5)
        .qPrimes(List.of(1073741953L, 33555073L))
        .pPrimes(List.of(2147483713L))
        .primesPerDigit(1)
        .logDefaultScale(25)
        .insecureForTesting(true)
        .build();
  }

  /** Uniform values in [-1, 1] from a fixed seed, one per slot. */
  double[] randomValues(long seed) {
    Random random = new Random(seed);
    double[] v = new double[parameters.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }

  Ciphertext encryptPublic(double[] values) {
    return publicKeyEncryptor.encrypt(encoder.encode(values));
  }

  Ciphertext encryptSeeded(double[] values) {
    return secretKeyEncryptor.encrypt(encoder.encode(values));
  }

  double[] decrypt(Ciphertext ct) {
    return encoder.decodeReal(decryptor.decrypt(ct));
  }

  @Override
  public String toString() {
    return name;
  }
}
