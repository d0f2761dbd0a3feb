package org.homocloud.fhir.keys.custody;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.BinaryOperator;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Wraps a secret under a passphrase: Argon2id (Bouncy Castle) stretches the passphrase with a random
 * 16-byte salt into a 256-bit key, and AES-256-GCM (the JDK's) encrypts the secret with a random
 * 96-bit nonce, authenticating the key file's header as associated data.
 *
 * <p>Guarantee: without the passphrase, the wrapped secret is as hard to recover as guessing the
 * passphrase at the stated Argon2id cost per guess; any change to the file fails authentication.
 * The wrapper keeps its own copy of the passphrase; {@link #destroy()} zeroes it.
 *
 * <p>Wrapping parameters ({@value #PARAMETERS_BYTES} bytes): memory KiB (u32), iterations (u32),
 * parallelism (u8), salt (16 bytes), nonce (12 bytes).
 */
public final class PassphraseWrapper implements SecretKeyWrapper {

  /** Scheme number in the key file. */
  public static final int SCHEME = 1;

  static final int SALT_BYTES = 16;
  static final int KEY_BYTES = 32;
  static final int PARAMETERS_BYTES = 4 + 4 + 1 + SALT_BYTES + AesGcm.NONCE_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] passphrase;
  private final Argon2Cost cost;

  /** A wrapper that writes with {@link Argon2Cost#RFC9106_SECOND_RECOMMENDED}. */
  public PassphraseWrapper(char[] passphrase) {
    this(passphrase, Argon2Cost.RFC9106_SECOND_RECOMMENDED);
  }

  /** A wrapper that writes with {@code cost}; reading always uses the cost stated in the file. */
  public PassphraseWrapper(char[] passphrase, Argon2Cost cost) {
    if (passphrase == null || passphrase.length == 0) {
      throw new KeyFileException("the passphrase is empty");
    }
    if (cost == null) {
      throw new KeyFileException("no Argon2 cost given");
    }
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
    this.passphrase = new byte[encoded.remaining()];
    encoded.get(this.passphrase);
    Arrays.fill(encoded.array(), (byte) 0);
    this.cost = cost;
  }

  @Override
  public int scheme() {
    return SCHEME;
  }

  @Override
  public int wrappedLength(int secretLength) {
    return secretLength + AesGcm.TAG_BYTES;
  }

  @Override
  public byte[] newWrappingParameters() {
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[AesGcm.NONCE_BYTES];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(nonce);
    return ByteBuffer.allocate(PARAMETERS_BYTES)
        .putInt(cost.memoryKiB()).putInt(cost.iterations()).put((byte) cost.parallelism())
        .put(salt).put(nonce).array();
  }

  @Override
  public byte[] wrap(byte[] wrappingParameters, byte[] secret, byte[] associatedData) {
    return withDerivedKey(wrappingParameters, (key, nonce) -> AesGcm.seal(key, nonce, secret, associatedData));
  }

  @Override
  public byte[] unwrap(byte[] wrappingParameters, byte[] wrapped, byte[] associatedData) {
    return withDerivedKey(wrappingParameters, (key, nonce) -> AesGcm.open(key, nonce, wrapped, associatedData));
  }

  /** The cost this wrapper writes with. */
  public Argon2Cost cost() {
    return cost;
  }

  /** Zeroes this wrapper's copy of the passphrase; the wrapper is unusable afterwards. */
  public void destroy() {
    Arrays.fill(passphrase, (byte) 0);
  }

  /** Parses wrapping parameters, checking the stated cost before any KDF work. */
  static Argon2Cost costOf(byte[] wrappingParameters) {
    if (wrappingParameters.length != PARAMETERS_BYTES) {
      throw new KeyFileException("passphrase wrapping parameters are " + wrappingParameters.length
          + " bytes, expected " + PARAMETERS_BYTES);
    }
    ByteBuffer in = ByteBuffer.wrap(wrappingParameters);
    return new Argon2Cost(in.getInt(), in.getInt(), in.get() & 0xff);
  }

  /** Runs {@code cipher(key, nonce)} with the key the passphrase and the parameters' cost and salt derive. */
  private byte[] withDerivedKey(byte[] wrappingParameters, BinaryOperator<byte[]> cipher) {
    Argon2Cost stated = costOf(wrappingParameters);
    byte[] salt = Arrays.copyOfRange(wrappingParameters, 9, 9 + SALT_BYTES);
    byte[] nonce = Arrays.copyOfRange(wrappingParameters, 9 + SALT_BYTES, PARAMETERS_BYTES);
    byte[] key = deriveKey(stated, salt);
    try {
      return cipher.apply(key, nonce);
    } finally {
      // The JDK's SecretKeySpec keeps its own copy that cannot be cleared; ours at least goes.
      Arrays.fill(key, (byte) 0);
    }
  }


  private byte[] deriveKey(Argon2Cost stated, byte[] salt) {
    Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt)
        .withMemoryAsKB(stated.memoryKiB())
        .withIterations(stated.iterations())
        .withParallelism(stated.parallelism())
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] key = new byte[KEY_BYTES];
    generator.generateBytes(passphrase, key);
    return key;
  }
}
