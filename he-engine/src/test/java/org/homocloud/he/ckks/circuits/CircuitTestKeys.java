package org.homocloud.he.ckks.circuits;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.homocloud.he.ckks.CkksParameters;
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

/** Keys and helpers for circuit tests: a parameter set plus the rotations a circuit needs. */
final class CircuitTestKeys {
  final CkksParameters parameters;
  final SecretKey secretKey;
  final Encoder encoder;
  final Encryptor encryptor;
  final Decryptor decryptor;
  final Evaluator evaluator;

  CircuitTestKeys(CkksParameters parameters, Collection<Integer> rotations) {
    this.parameters = parameters;
    KeyGenerator kg = new KeyGenerator(parameters.rlwe());
    secretKey = kg.generateSecretKey();
    List<GaloisKey> galois = new ArrayList<>();
    for (int k : rotations) {
      galois.add(kg.generateGaloisKey(secretKey, Rotations.galoisElement(parameters.logN(), k)));
    }
    evaluator = new Evaluator(parameters, new EvaluationKeySet(kg.generateRelinearizationKey(secretKey), galois));
    encoder = new Encoder(parameters);
    encryptor = Encryptor.withPublicKey(kg.generatePublicKey(secretKey));
    decryptor = new Decryptor(secretKey);
  }

  Ciphertext encrypt(double[] re, double[] im) {
    return encryptor.encrypt(encoder.encode(re, im, parameters.logSlots(), parameters.maxLevel(), parameters.defaultScale()));
  }

  double[][] decrypt(Ciphertext ct) {
    return encoder.decode(decryptor.decrypt(ct));
  }
}
