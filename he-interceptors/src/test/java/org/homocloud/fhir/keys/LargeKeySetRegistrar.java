package org.homocloud.fhir.keys;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;

/**
 * Child process of {@link LargeEvaluationKeySetTest}: registers, at the 128-bit logN 14 preset, an
 * evaluation key set of COUNT Galois keys that is generated as it is streamed (one real key's body
 * repeated under ascending elements: well formed, as the registry checks), in a heap far smaller than
 * the set. Prints {@code OK <bytes> <keys> <millis> <peak heap bytes>}. Arguments: DIRECTORY COUNT.
 */
public final class LargeKeySetRegistrar {

  private LargeKeySetRegistrar() {
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    CkksParameters parameters = CkksPresets.logN14();
    KeyGenerator generator = new KeyGenerator(parameters.rlwe());
    SecretKey sk = generator.generateSecretKey();
    byte[] publicKey = new PublicKeyCodec(parameters).toBytes(generator.generatePublicKey(sk));
    GaloisKey one = generator.generateGaloisKey(sk, 3);
    byte[] single = new EvaluationKeySetCodec(parameters).toBytes(new EvaluationKeySet(null, List.of(one)));
    one = null;
    int headerFlagsCount = 23 + 1 + 4;
    byte[] prefix = Arrays.copyOf(single, headerFlagsCount);
    ByteBuffer.wrap(prefix).putInt(headerFlagsCount - 4, count);
    byte[] body = Arrays.copyOfRange(single, headerFlagsCount + 8, single.length);
    single = null;
    long expectedBytes = prefix.length + (long) count * (8 + body.length);

    Enumeration<InputStream> parts = new Enumeration<>() {
      int next = -1;

      @Override
      public boolean hasMoreElements() {
        return next < 2 * count;
      }

      @Override
      public InputStream nextElement() {
        int i = next++;
        if (i < 0) {
          return new ByteArrayInputStream(prefix);
        }
        if (i % 2 == 0) {
          return new ByteArrayInputStream(ByteBuffer.allocate(8).putLong(3 + 2L * (i / 2)).array());
        }
        return new ByteArrayInputStream(body);
      }
    };
    long started = System.nanoTime();
    try (SqliteCiphertextStore store = new SqliteCiphertextStore(directory)) {
      KeySetRegistry registry = new KeySetRegistry(store);
      KeySetVersion record = registry.register("large", ParametersCodec.toBytes(parameters), publicKey,
          new SequenceInputStream(parts));
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (record.evaluationKeys().size() != expectedBytes || record.galoisElements().size() != count
          || !registry.active("large").orElseThrow().equals(record)) {
        System.out.println("MISMATCH " + record);
        System.exit(1);
      }
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.println("OK " + expectedBytes + " " + count + " " + millis + " " + peak);
    }
  }
}
