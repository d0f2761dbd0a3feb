package org.homocloud.testdata.vectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.Plaintext;
import org.homocloud.he.rlwe.PublicKey;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.CiphertextCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.SecretKeyCodec;

/**
 * Writes the cross-language test vectors: per parameter set the serialized parameters and a
 * (test-only) secret key, then per vector a ciphertext and a JSON file with the expected slot
 * values and the precision to expect, plus malformed inputs a reader must refuse. Keys are
 * fresh on every run, so regenerating changes every binary file.
 *
 * <p>Run: {@code ./mvnw -q -pl src-test-data -am test -Dhomocloud.writeVectors=true
 * -Dtest=TestVectorsTest -Dsurefire.failIfNoSpecifiedTests=false}, or this main class with the
 * output directory as its argument.
 */
public final class VectorGenerator {

  private final Path root;
  private final Map<String, SecretKey> keys = new HashMap<>();
  private final Map<String, PublicKey> publicKeys = new HashMap<>();
  private final Map<String, byte[]> ciphertexts = new HashMap<>();

  private VectorGenerator(Path root) {
    this.root = root;
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "src-test-data/src/main/resources/vectors");
    generate(out);
    System.out.println("test vectors written to " + out.toAbsolutePath());
  }

  /** Writes every vector of {@link VectorSpec#all()} below {@code root}. */
  public static void generate(Path root) throws IOException {
    Files.createDirectories(root);
    new VectorGenerator(root).run();
  }

  private void run() throws IOException {
    List<VectorSpec> specs = VectorSpec.all();
    for (String set : List.of(VectorSpec.LOGN10, VectorSpec.LOGN12, VectorSpec.LOGN14)) {
      writeKeys(set);
    }
    SecretKey other = new KeyGenerator(VectorSpec.parameters(VectorSpec.LOGN10).rlwe()).generateSecretKey();
    write(VectorSpec.LOGN10 + "/secret-key-other.bin", new SecretKeyCodec(VectorSpec.parameters(VectorSpec.LOGN10))
        .secretKeyToBytes(other, SecretKeyAccess.insecureSecretAccess()));
    StringBuilder index = new StringBuilder("{\n  \"vectors\": [\n");
    for (int i = 0; i < specs.size(); i++) {
      VectorSpec spec = specs.get(i);
      String json = spec.kind().negative() ? negative(spec) : positive(spec);
      write(spec.name() + ".json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      index.append("    \"").append(spec.name()).append(i + 1 < specs.size() ? "\",\n" : "\"\n");
    }
    index.append("  ]\n}\n");
    write("index.json", index.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void writeKeys(String set) throws IOException {
    CkksParameters parameters = VectorSpec.parameters(set);
    KeyGenerator generator = new KeyGenerator(parameters.rlwe());
    SecretKey sk = generator.generateSecretKey();
    keys.put(set, sk);
    publicKeys.put(set, generator.generatePublicKey(sk));
    write(set + "/parameters.bin", ParametersCodec.toBytes(parameters));
    write(set + "/secret-key.bin", new SecretKeyCodec(parameters)
        .secretKeyToBytes(sk, SecretKeyAccess.insecureSecretAccess()));
  }

  private String positive(VectorSpec spec) throws IOException {
    CkksParameters parameters = VectorSpec.parameters(spec.parameterSet());
    SecretKey sk = keys.get(spec.parameterSet());
    Ciphertext ct = encrypt(spec, parameters, sk);
    byte[] bytes = new CiphertextCodec(parameters).toBytes(ct);
    String file = spec.parameterSet() + "/" + spec.name() + ".ct";
    write(file, bytes);
    ciphertexts.put(spec.name(), bytes);
    // Measure what the engine itself gets from the serialized bytes.
    Ciphertext read = new CiphertextCodec(parameters).fromBytes(bytes);
    double[][] decoded = new Encoder(parameters).decode(new Decryptor(sk).decrypt(read));
    double[][] expected = spec.expected();
    PrecisionStats stats = PrecisionStats.of(expected[0], expected[1], decoded[0], decoded[1]);
    int minBits = (int) Math.floor(stats.minBits()) - 1;
    StringBuilder json = head(spec, file, spec.parameterSet() + "/secret-key.bin");
    json.append("  \"degree\": ").append(read.degree()).append(",\n");
    json.append("  \"level\": ").append(read.level()).append(",\n");
    json.append("  \"logSlots\": ").append(read.logSlots()).append(",\n");
    json.append("  \"seeded\": ").append(read.seed().isPresent()).append(",\n");
    json.append("  \"log2Scale\": ").append(Math.log(read.scale()) / Math.log(2)).append(",\n");
    json.append("  \"javaPrecisionBits\": ").append(stats.minBits()).append(",\n");
    json.append("  \"minPrecisionBits\": ").append(minBits).append(",\n");
    json.append("  \"publicPrecisionBits\": ").append(Math.max(0, minBits - 2)).append(",\n");
    json.append("  \"expectedRe\": ").append(array(expected[0])).append(",\n");
    json.append("  \"expectedIm\": ").append(array(expected[1])).append("\n}\n");
    return json.toString();
  }

  private Ciphertext encrypt(VectorSpec spec, CkksParameters parameters, SecretKey sk) {
    Encoder encoder = new Encoder(parameters);
    double scale = parameters.defaultScale();
    int top = parameters.maxLevel();
    double[][] a = spec.inputs(0);
    Encryptor secret = Encryptor.withSecretKey(sk);
    Encryptor open = Encryptor.withPublicKey(publicKeys.get(spec.parameterSet()));
    return switch (spec.kind()) {
      case SECRET_KEY_TOP -> secret.encrypt(encoder.encode(a[0], a[1], spec.logSlots(), top, scale));
      case PUBLIC_KEY_TOP -> open.encrypt(encoder.encode(a[0], a[1], spec.logSlots(), top, scale));
      case SECRET_KEY_LEVEL0 -> secret.encrypt(encoder.encode(a[0], a[1], spec.logSlots(), 0, scale));
      case PUBLIC_KEY_LEVEL0 -> evaluator(parameters, sk, false)
          .dropToLevelNew(open.encrypt(encoder.encode(a[0], a[1], spec.logSlots(), top, scale)), 0);
      case MUL_RELIN_RESCALE, MUL_DEGREE2 -> {
        // logN 12 multiplies at level 2 so the committed product stays small.
        int level = VectorSpec.LOGN12.equals(spec.parameterSet()) ? 2 : top;
        double[][] b = spec.inputs(1);
        Ciphertext x = open.encrypt(encoder.encode(a[0], a[1], spec.logSlots(), level, scale));
        Ciphertext y = open.encrypt(encoder.encode(b[0], b[1], spec.logSlots(), level, scale));
        if (spec.kind() == VectorSpec.Kind.MUL_DEGREE2) {
          yield evaluator(parameters, sk, false).mulNew(x, y);
        }
        Evaluator evaluator = evaluator(parameters, sk, true);
        yield evaluator.rescaleNew(evaluator.mulRelinNew(x, y));
      }
      default -> throw new IllegalStateException("not a positive vector: " + spec.kind());
    };
  }

  private static Evaluator evaluator(CkksParameters parameters, SecretKey sk, boolean relinearization) {
    EvaluationKeySet keys = new EvaluationKeySet(
        relinearization ? new KeyGenerator(parameters.rlwe()).generateRelinearizationKey(sk) : null,
        List.of());
    return new Evaluator(parameters, keys);
  }

  private String negative(VectorSpec spec) throws IOException {
    String set = spec.parameterSet();
    String key = set + "/secret-key.bin";
    String file;
    byte[] base = ciphertexts.get("logn10-sk-level0-sparse-complex");
    switch (spec.kind()) {
      case OTHER_PARAMETERS -> file = VectorSpec.LOGN12 + "/logn12-pk-level0-sparse.ct";
      case KEY_FOR_OTHER_PARAMETERS -> {
        file = set + "/logn10-sk-level0-sparse-complex.ct";
        key = VectorSpec.LOGN12 + "/secret-key.bin";
      }
      case OTHER_KEY_SAME_PARAMETERS -> {
        file = set + "/logn10-sk-level0-sparse-complex.ct";
        key = set + "/secret-key-other.bin";
      }
      default -> {
        file = set + "/" + spec.name() + ".ct";
        write(file, corrupt(spec.kind(), base));
      }
    }
    StringBuilder json = head(spec, file, key);
    json.setLength(json.length() - 2);
    return json + ",\n  \"expectError\": \"" + spec.expectError() + "\"\n}\n";
  }

  /** Spoils a valid seeded level-0 ciphertext in one way. */
  static byte[] corrupt(VectorSpec.Kind kind, byte[] valid) {
    // Header 23 bytes, then degree, level, logSlots (offsets 23-25), scale (26-33), form (34),
    // seed (35-66), c_0 from byte 67.
    byte[] bytes = valid.clone();
    switch (kind) {
      case TRUNCATED -> bytes = Arrays.copyOf(valid, 67 + 1000);
      case BAD_MAGIC -> bytes[0] = 'X';
      case UNKNOWN_VERSION -> bytes[5] = 2;
      case RESIDUE_NOT_BELOW_PRIME -> Arrays.fill(bytes, 67, 67 + 8, (byte) 0xFF);
      case BAD_FORM_BYTE -> bytes[34] = 7;
      case TRAILING_BYTES -> bytes = Arrays.copyOf(valid, valid.length + 3);
      default -> throw new IllegalStateException("not a corruption: " + kind);
    }
    return bytes;
  }

  private static StringBuilder head(VectorSpec spec, String ciphertext, String secretKey) {
    StringBuilder json = new StringBuilder("{\n");
    json.append("  \"name\": \"").append(spec.name()).append("\",\n");
    json.append("  \"description\": \"").append(spec.description()).append("\",\n");
    json.append("  \"parameters\": \"").append(spec.parameterSet()).append("/parameters.bin\",\n");
    json.append("  \"secretKey\": \"").append(secretKey).append("\",\n");
    json.append("  \"ciphertext\": \"").append(ciphertext).append("\",\n");
    return json;
  }

  private static String array(double[] values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(values[i]);
    }
    return out.append(']').toString();
  }

  private void write(String relative, byte[] bytes) throws IOException {
    Path path = root.resolve(relative);
    Files.createDirectories(path.getParent());
    Files.write(path, bytes);
  }
}
