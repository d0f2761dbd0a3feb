package org.homocloud.fhir.keys.upload;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.homocloud.fhir.keys.KeySetRegistry;

/**
 * The streamable container a custodian uploads a key set's public material in: small parts first,
 * with their lengths, so a server can check them before the evaluation keys (gigabytes at logN 16)
 * start to arrive, and those last, to the end of the stream, so neither side ever holds them whole.
 *
 * <p>Version {@value #VERSION} (integers unsigned big-endian), documented in docs/formats.md:
 * <pre>
 *   magic "HCKU" (4) | version u16 | parameters length u32 | parameters (engine format, tag 1)
 *   | public key length u32 | public key (engine format, tag 4)
 *   | bootstrapping key set length u64, 0 for none | bootstrapping key set (engine format, tag 10)
 *   | evaluation key set (engine format, tag 9) to the end
 * </pre>
 * Version 1 is the same without the bootstrapping part; it is still read, and written when a key set has
 * no bootstrapping keys, so servers that predate version 2 keep reading ordinary key sets.
 * Readers reject other magic bytes and unknown versions first, then lengths above
 * {@link KeySetRegistry#MAX_PUBLIC_KEY_BYTES}, before allocating anything.
 */
public final class KeySetUploadFormat {

  public static final int VERSION = 2;

  /** The version without a bootstrapping part. */
  public static final int VERSION_WITHOUT_BOOTSTRAPPING = 1;

  static final byte[] MAGIC = {'H', 'C', 'K', 'U'};

  /** Media type of the container on the wire. */
  public static final String MEDIA_TYPE = "application/octet-stream";

  private KeySetUploadFormat() {
  }

  /**
   * The parts of an upload: parameters and public key read whole; the bootstrapping key set (null when
   * the upload has none) and then the evaluation keys still to be streamed, in that order: read
   * {@code bootstrappingKeys} to its end (it stops at its declared length) before {@code evaluationKeys}.
   */
  public record Upload(byte[] parameters, byte[] publicKey, InputStream bootstrappingKeys, InputStream evaluationKeys) {

    /** An upload without bootstrapping keys. */
    public Upload(byte[] parameters, byte[] publicKey, InputStream evaluationKeys) {
      this(parameters, publicKey, null, evaluationKeys);
    }
  }

  /**
   * Writes the head of a version-1 container (magic, version, parameters, public key), for a key set
   * without bootstrapping keys; the caller then writes the serialized evaluation key set to the same stream.
   */
  public static void writeHead(OutputStream out, byte[] parameters, byte[] publicKey) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    writeStart(data, VERSION_WITHOUT_BOOTSTRAPPING, parameters, publicKey);
    data.flush();
  }

  /**
   * Writes the head of a version-2 container; the caller then writes exactly
   * {@code bootstrappingKeysLength} bytes of bootstrapping key set (engine format, tag 10; its codec's
   * {@code size}), then the evaluation key set, to the same stream.
   */
  public static void writeHead(OutputStream out, byte[] parameters, byte[] publicKey, long bootstrappingKeysLength)
      throws IOException {
    if (bootstrappingKeysLength < 0) {
      throw new IllegalArgumentException("bootstrapping key set length must not be negative: " + bootstrappingKeysLength);
    }
    DataOutputStream data = new DataOutputStream(out);
    writeStart(data, VERSION, parameters, publicKey);
    data.writeLong(bootstrappingKeysLength);
    data.flush();
  }

  private static void writeStart(DataOutputStream data, int version, byte[] parameters, byte[] publicKey)
      throws IOException {
    data.write(MAGIC);
    data.writeShort(version);
    data.writeInt(parameters.length);
    data.write(parameters);
    data.writeInt(publicKey.length);
    data.write(publicKey);
  }

  /**
   * Reads the head of a container from {@code in}; the returned {@link Upload#evaluationKeys()} is
   * {@code in} itself, positioned at the evaluation keys.
   *
   * @throws KeySetUploadException for other magic bytes, an unknown version, an oversized length or a
   *     stream that ends early
   */
  public static Upload readHead(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] magic = data.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new KeySetUploadException("not a key-set upload: the body does not start with \"HCKU\""
          + " (see docs/formats.md, key-set upload)");
    }
    try {
      int version = data.readUnsignedShort();
      if (version != VERSION && version != VERSION_WITHOUT_BOOTSTRAPPING) {
        throw new KeySetUploadException("key-set upload format version " + version
            + " is not supported; this server reads versions " + VERSION_WITHOUT_BOOTSTRAPPING + " and " + VERSION);
      }
      byte[] parameters = readPart(data, "parameters");
      byte[] publicKey = readPart(data, "public key");
      if (version == VERSION_WITHOUT_BOOTSTRAPPING) {
        return new Upload(parameters, publicKey, in);
      }
      long bootstrappingLength = data.readLong();
      if (bootstrappingLength < 0) {
        throw new KeySetUploadException("key-set upload claims a negative bootstrapping key set length");
      }
      InputStream bootstrapping = bootstrappingLength == 0 ? null : new BoundedInputStream(in, bootstrappingLength);
      return new Upload(parameters, publicKey, bootstrapping, in);
    } catch (EOFException e) {
      throw new KeySetUploadException("key-set upload truncated before its evaluation keys");
    }
  }

  private static byte[] readPart(DataInputStream in, String what) throws IOException {
    long length = Integer.toUnsignedLong(in.readInt());
    if (length > KeySetRegistry.MAX_PUBLIC_KEY_BYTES) {
      throw new KeySetUploadException("key-set upload claims " + length + " bytes of " + what + ", more than the "
          + KeySetRegistry.MAX_PUBLIC_KEY_BYTES + " allowed");
    }
    byte[] bytes = in.readNBytes((int) length);
    if (bytes.length != length) {
      throw new KeySetUploadException("key-set upload truncated: " + bytes.length + " of " + length + " bytes of "
          + what + " present");
    }
    return bytes;
  }
}
