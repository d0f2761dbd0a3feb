package org.homocloud.he.rlwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.junit.jupiter.api.Test;

class KeySwitchingTest {

  @Test
  void switchingBetweenTwoSecrets_keepsTheMessage_evenToASparseSecret() {
    CkksParameters params = CkksPresets.insecureForTestingLogN12();
    KeyGenerator kg = new KeyGenerator(params.rlwe());
    SecretKey dense = kg.generateSecretKey();
    SecretKey sparse = kg.generateSecretKey(SecretDistribution.sparse(32));
    SwitchingKey denseToSparse = kg.generateSwitchingKey(dense, sparse);
    Encoder encoder = new Encoder(params);
    double[] v = new double[params.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(i);
    }
    Ciphertext ct = Encryptor.withSecretKey(dense).encrypt(encoder.encode(v));
    KeySwitcher switcher = new KeySwitcher(params.rlwe(), Parallelism.sequential());
    for (int level : new int[] {params.maxLevel(), 2, 0}) {
      RnsPoly c0 = ct.poly(0).copyLimbs(level + 1);
      RnsPoly c1 = ct.poly(1).copyLimbs(level + 1);
      RnsPoly[] switched = switcher.switchKey(c1, denseToSparse);
      params.rlwe().ringQ().add(switched[0], c0, switched[0]);
      Ciphertext underSparse = new Ciphertext(switched, ct.scale(), ct.logSlots());
      double[] decrypted = encoder.decodeReal(new Decryptor(sparse).decrypt(underSparse));
      PrecisionStats stats = PrecisionStats.of(v, decrypted);
      System.out.println("dense -> sparse(h=32) key switch at level " + level + ": " + stats);
      assertThat(stats.minBits()).isGreaterThan(25);
      double[] wrong = encoder.decodeReal(new Decryptor(dense).decrypt(underSparse));
      assertThat(PrecisionStats.of(v, wrong).minBits()).isLessThan(0);
    }
  }

  @Test
  void secretKey_hidesItsMaterial_andComparesByValue() {
    CkksParameters params = CkksPresets.insecureForTestingLogN10();
    KeyGenerator kg = new KeyGenerator(params.rlwe());
    SecretKey a = kg.generateSecretKey();
    SecretKey copy = SecretKey.fromCoefficients(params.rlwe(),
        a.coefficients(SecretKeyAccess.insecureSecretAccess()), SecretKeyAccess.insecureSecretAccess());
    assertThat(a.toString()).isEqualTo("SecretKey(<redacted>)");
    assertThat(a.equalsConstantTime(copy)).isTrue();
    assertThat(a.equalsConstantTime(kg.generateSecretKey())).isFalse();
    assertThat(a.hashCode()).isEqualTo(kg.generateSecretKey().hashCode());
  }
}
