package org.homocloud.he.ckks.bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretDistribution;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * The public keys bootstrapping needs: relinearization, the Galois keys of the homomorphic DFT
 * rotations and of conjugation, and the two encapsulation keys (dense to ephemeral sparse at
 * level 0 only, sparse back to dense over the whole chain). The ephemeral sparse secret itself
 * is discarded after key generation.
 */
public record BootstrappingKeys(
    EvaluationKeySet evaluationKeys, SwitchingKey denseToSparse, SwitchingKey sparseToDense) {

  /** Generates every key {@code parameters} need from the custodian's secret key. */
  public static BootstrappingKeys generate(BootstrappingParameters parameters, SecretKey secretKey) {
    KeyGenerator generator = new KeyGenerator(parameters.ckks().rlwe());
    int logN = parameters.ckks().logN();
    List<GaloisKey> galois = new ArrayList<>();
    // Each key is made only as tall as the highest level it is used at: SlotsToCoeffs runs low
    // in the chain, so its keys have fewer limbs and digits (a large share of the key memory).
    Map<Integer, Integer> rotations = Bootstrapper.rotationLevels(parameters);
    for (Map.Entry<Integer, Integer> rotation : rotations.entrySet()) {
      galois.add(generator.generateGaloisKey(
          secretKey, Rotations.galoisElement(logN, rotation.getKey()), rotation.getValue()));
    }
    int afterCoeffsToSlots = parameters.ckks().maxLevel() - parameters.ctsLevels();
    galois.add(generator.generateGaloisKey(secretKey, Rotations.conjugationElement(logN), afterCoeffsToSlots));
    EvaluationKeySet evaluationKeys = new EvaluationKeySet(
        generator.generateRelinearizationKey(secretKey, parameters.ckks().maxLevel()), galois);
    if (parameters.ephemeralHammingWeight() == 0) {
      return new BootstrappingKeys(evaluationKeys, null, null);
    }
    SecretKey sparse = generator.generateSecretKey(SecretDistribution.sparse(parameters.ephemeralHammingWeight()));
    SwitchingKey toSparse = generator.generateSwitchingKey(secretKey, sparse, 0);
    SwitchingKey toDense = generator.generateSwitchingKey(sparse, secretKey);
    return new BootstrappingKeys(evaluationKeys, toSparse, toDense);
  }
}
