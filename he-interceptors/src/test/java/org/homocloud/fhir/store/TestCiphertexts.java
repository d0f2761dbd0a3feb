package org.homocloud.fhir.store;

import java.util.Random;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.CiphertextCodec;

/** Real engine ciphertexts under the INSECURE logN 10 test preset, built once for the store tests. */
final class TestCiphertexts {

  static final TestCiphertexts INSECURE_LOGN10 = new TestCiphertexts(CkksPresets.insecureForTestingLogN10());

  final CkksParameters parameters;
  final CiphertextCodec codec;
  private final Encoder encoder;
  private final Encryptor encryptor;
  private final Decryptor decryptor;

  private TestCiphertexts(CkksParameters parameters) {
    this.parameters = parameters;
    KeyGenerator keyGenerator = new KeyGenerator(parameters.rlwe());
    SecretKey secretKey = keyGenerator.generateSecretKey();
    codec = new CiphertextCodec(parameters);
    encoder = new Encoder(parameters);
    encryptor = Encryptor.withPublicKey(keyGenerator.generatePublicKey(secretKey));
    decryptor = new Decryptor(secretKey);
  }

  /** Uniform values in [-1, 1] from a fixed seed, one per slot. */
  double[] values(long seed) {
    Random random = new Random(seed);
    double[] v = new double[parameters.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }

  synchronized byte[] encrypt(double[] values) {
    return codec.toBytes(encryptor.encrypt(encoder.encode(values)));
  }

  synchronized double[] decrypt(byte[] bytes) {
    Ciphertext ct = codec.fromBytes(bytes);
    return encoder.decodeReal(decryptor.decrypt(ct));
  }
}
