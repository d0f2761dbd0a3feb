package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeySet;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeys;
import org.homocloud.he.ckks.bootstrap.BootstrappingParameters;
import org.homocloud.he.ckks.bootstrap.BootstrappingPresets;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretDistribution;
import org.homocloud.he.rlwe.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * The Galois-key rules of the leveled key sets (tags 10 and 11), which share one reader: a count
 * above N and elements out of order or repeated fail with {@link HeException}, in a full read and
 * in a stream check alike. At the INSECURE tiny (N = 32) and logN 12 test parameters.
 */
class LeveledKeySetMalformedInputTest {

  /** Tag 11 offsets: header, flags u8, Galois key count u32, then (no relinearization key) the keys. */
  private static final int TAG11_COUNT = 23 + 1;
  private static final int TAG11_KEYS = TAG11_COUNT + 4;
  /** Tag 10 offsets: header, the 12-byte shape, flags u8, then (no relinearization key) the count. */
  private static final int TAG10_COUNT = 23 + 12 + 1;

  private final CkksParameters tiny = SerializationFixture.tiny();
  private final LeveledEvaluationKeySetCodec leveled = new LeveledEvaluationKeySetCodec(tiny);

  @Test
  void galoisKeysOutOfOrderOrRepeated_areRefused_byReadAndCheck() {
    KeyGenerator generator = new KeyGenerator(tiny.rlwe());
    SecretKey sk = generator.generateSecretKey();
    long low = Rotations.galoisElement(tiny.logN(), 1);
    long high = Rotations.conjugationElement(tiny.logN());
    assertThat(low).isLessThan(high);
    byte[] lowKey = keysOf(generator.generateGaloisKey(sk, low, 0));
    byte[] highKey = keysOf(generator.generateGaloisKey(sk, high, 1));
    byte[] template = leveled.toBytes(new EvaluationKeySet(null, List.of()));

    byte[] ascending = withKeys(template, lowKey, highKey);
    assertThat(leveled.fromBytes(ascending).galoisKeys().keySet()).containsExactly(low, high);
    for (byte[] bad : List.of(withKeys(template, highKey, lowKey), withKeys(template, lowKey, lowKey))) {
      assertThatThrownBy(() -> leveled.fromBytes(bad)).isExactlyInstanceOf(HeException.class)
          .hasMessageContaining("strictly ascending order of element");
      assertThatThrownBy(() -> leveled.check(new ByteArrayInputStream(bad))).isExactlyInstanceOf(HeException.class)
          .hasMessageContaining("strictly ascending order of element");
    }
  }

  @Test
  void galoisKeyCountAboveN_isRefused_namingTheSet() {
    byte[] tag11 = withCount(leveled.toBytes(new EvaluationKeySet(null, List.of())), TAG11_COUNT, 33);
    assertThatThrownBy(() -> leveled.fromBytes(tag11)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("leveled evaluation key set claims 33 Galois keys; there are only 32");

    BootstrappingParameters shape = BootstrappingPresets.insecureForTestingLogN12FiveLevels();
    CkksParameters ckks = shape.ckks();
    KeyGenerator generator = new KeyGenerator(ckks.rlwe());
    SecretKey dense = generator.generateSecretKey();
    SecretKey sparse = generator.generateSecretKey(SecretDistribution.sparse(shape.ephemeralHammingWeight()));
    BootstrappingKeys keys = new BootstrappingKeys(new EvaluationKeySet(null, List.of()),
        generator.generateSwitchingKey(dense, sparse, 0), generator.generateSwitchingKey(sparse, dense, 0));
    BootstrappingKeySetCodec codec = new BootstrappingKeySetCodec(ckks);
    byte[] tag10 = withCount(codec.toBytes(new BootstrappingKeySet(shape, keys)), TAG10_COUNT, 0xFFFFFFFFL);
    assertThatThrownBy(() -> codec.fromBytes(tag10)).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("bootstrapping key set claims 4294967295 Galois keys; there are only 4096");
    assertThatThrownBy(() -> codec.check(new ByteArrayInputStream(tag10))).isExactlyInstanceOf(HeException.class)
        .hasMessageContaining("bootstrapping key set claims 4294967295 Galois keys");
  }

  /** The Galois-key bytes (element and leveled body) of a tag 11 set holding only {@code key}. */
  private byte[] keysOf(GaloisKey key) {
    byte[] set = leveled.toBytes(new EvaluationKeySet(null, List.of(key)));
    return Arrays.copyOfRange(set, TAG11_KEYS, set.length);
  }

  /** A tag 11 set without relinearization key holding the given keys' bytes in the given order. */
  private static byte[] withKeys(byte[] template, byte[]... keys) {
    ByteBuffer out = ByteBuffer.allocate(TAG11_KEYS + Arrays.stream(keys).mapToInt(k -> k.length).sum());
    out.put(template, 0, TAG11_KEYS).putInt(TAG11_COUNT, keys.length).position(TAG11_KEYS);
    for (byte[] key : keys) {
      out.put(key);
    }
    return out.array();
  }

  private static byte[] withCount(byte[] bytes, int offset, long count) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).putInt(offset, (int) count);
    return copy;
  }
}
