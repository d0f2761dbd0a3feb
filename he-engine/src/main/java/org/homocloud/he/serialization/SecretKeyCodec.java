package org.homocloud.he.serialization;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;

/**
 * Secret keys in the binary format, apart from the public codecs on purpose: every method takes
 * a {@link SecretKeyAccess} token, so each place that exports or imports a secret says so.
 * Intermediate buffers holding key material are zeroed after use.
 *
 * <p>Body: the N ternary coefficients packed 2 bits each, most significant first: 00 for 0, 01
 * for 1, 11 for -1 (10 is malformed). Nothing else: the key's parameters are in the header's
 * fingerprint.
 */
public final class SecretKeyCodec {

  private final CkksParameters parameters;

  public SecretKeyCodec(CkksParameters parameters) {
    if (parameters == null) {
      throw new HeException("a codec needs the parameters its objects are made under");
    }
    this.parameters = parameters;
  }

  public CkksParameters parameters() {
    return parameters;
  }

  /** Exports {@code sk} to {@code out} and flushes; the bytes are as secret as the key. */
  public void writeSecretKey(SecretKey sk, OutputStream out, SecretKeyAccess access) throws IOException {
    requireAccess(access);
    if (sk == null) {
      throw new HeException("cannot write a null secret key");
    }
    if (!MessageDigest.isEqual(sk.parameters().fingerprint(), parameters.fingerprint())) {
      throw new HeException("cannot write secret key: it was made under other parameters");
    }
    long[] coefficients = sk.coefficients(access);
    byte[] packed = new byte[bodySize()];
    try {
      for (int i = 0; i < coefficients.length; i++) {
        // Two's complement low bits: 0 -> 00, 1 -> 01, -1 -> 11.
        coefficients[i] &= 3;
      }
      BitPacking.pack(coefficients, coefficients.length, 2, packed);
      BufferedOutputStream buffered = new BufferedOutputStream(out, Header.size(ObjectType.SECRET_KEY));
      FormatWriter writer = new FormatWriter(buffered);
      Header.write(writer, ObjectType.SECRET_KEY, parameters);
      buffered.flush();
      out.write(packed);
      out.flush();
    } finally {
      Arrays.fill(coefficients, 0);
      Arrays.fill(packed, (byte) 0);
    }
  }

  /** Imports one secret key from {@code in}, leaving the stream just after it. */
  public SecretKey readSecretKey(InputStream in, SecretKeyAccess access) throws IOException {
    requireAccess(access);
    FormatReader reader = new FormatReader(in);
    Header.read(reader, ObjectType.SECRET_KEY, parameters);
    int n = parameters.n();
    byte[] packed = reader.bytes(bodySize(), "secret key coefficients");
    long[] coefficients = new long[n];
    try {
      BitPacking.unpack(packed, n, 2, coefficients);
      for (int i = 0; i < n; i++) {
        long code = coefficients[i];
        if (code == 2) {
          throw new HeException("secret key coefficient " + i + " has code 10, which is not ternary");
        }
        coefficients[i] = code == 3 ? -1 : code;
      }
      return SecretKey.fromCoefficients(parameters.rlwe(), coefficients, access);
    } finally {
      Arrays.fill(coefficients, 0);
      Arrays.fill(packed, (byte) 0);
    }
  }

  public byte[] secretKeyToBytes(SecretKey sk, SecretKeyAccess access) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size());
    try {
      writeSecretKey(sk, bytes, access);
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
    return bytes.toByteArray();
  }

  /** Imports a secret key that must fill {@code bytes} exactly. */
  public SecretKey secretKeyFromBytes(byte[] bytes, SecretKeyAccess access) {
    if (bytes == null) {
      throw new HeException("cannot read a secret key from null");
    }
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    try {
      SecretKey sk = readSecretKey(in, access);
      if (in.available() > 0) {
        throw new HeException("trailing bytes: " + in.available()
            + " bytes follow the end of the secret key at byte " + (bytes.length - in.available()));
      }
      return sk;
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
  }

  /** Bytes a secret key takes at these parameters. */
  public int size() {
    return Header.size(ObjectType.SECRET_KEY) + bodySize();
  }

  private int bodySize() {
    return (int) BitPacking.packedBytes(parameters.n(), 2);
  }

  private static void requireAccess(SecretKeyAccess access) {
    if (access == null) {
      throw new SecurityException("secret key material requires a SecretKeyAccess token");
    }
  }
}
