package org.homocloud.testdata.synthetic.bench;

import java.util.ArrayList;
import java.util.List;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;

/**
 * A key set shaped like the product's (relinearization, rotations by every power of two in both
 * directions, conjugation), generated in process for a benchmark; the secret key only decrypts
 * results to measure precision.
 */
final class BenchKeys {

  final CkksParameters parameters;
  final Encoder encoder;
  final Encryptor encryptor;
  final Decryptor decryptor;
  final Evaluator evaluator;
  final double keygenSeconds;

  BenchKeys(CkksParameters parameters, Parallelism parallelism) {
    long start = System.nanoTime();
    this.parameters = parameters;
    KeyGenerator generator = new KeyGenerator(parameters.rlwe());
    SecretKey sk = generator.generateSecretKey();
    List<GaloisKey> galois = new ArrayList<>();
    for (int k = 1; k < parameters.slots(); k <<= 1) {
      galois.add(generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), k)));
      galois.add(generator.generateGaloisKey(sk, Rotations.galoisElement(parameters.logN(), -k)));
    }
    galois.add(generator.generateGaloisKey(sk, Rotations.conjugationElement(parameters.logN())));
    encoder = new Encoder(parameters, parallelism);
    encryptor = Encryptor.withPublicKey(generator.generatePublicKey(sk), parallelism);
    decryptor = new Decryptor(sk, parallelism);
    evaluator = new Evaluator(parameters, new EvaluationKeySet(generator.generateRelinearizationKey(sk), galois),
        parallelism);
    keygenSeconds = (System.nanoTime() - start) / 1e9;
  }

  /** Values packed into one ciphertext at {@code level}, unused slots zero. */
  Ciphertext store(double[] values, int level) {
    return encryptor.encrypt(encoder.encode(values, null, parameters.logSlots(), level, parameters.defaultScale()));
  }

  double[] decrypt(Ciphertext ct) {
    return encoder.decodeReal(decryptor.decrypt(ct));
  }
}
