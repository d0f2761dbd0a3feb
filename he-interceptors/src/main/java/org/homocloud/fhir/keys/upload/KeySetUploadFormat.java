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
 *   | public key length u32 | public key (engine format, tag 4) | evaluation key set (engine format, tag 9) to the end
 * </pre>
 * Readers reject other magic bytes and unknown versions first, then lengths above
 * {@link KeySetRegistry#MAX_PUBLIC_KEY_BYTES}, before allocating anything.
 */
public final class KeySetUploadFormat {

  public static final int VERSION = 1;

  static final byte[] MAGIC = {'H', 'C', 'K', 'U'};

  /** Media type of the container on the wire. */
  public static final String MEDIA_TYPE = "application/octet-stream";

  private KeySetUploadFormat() {
  }

  /** The parts of an upload: parameters and public key read whole, evaluation keys still to be streamed. */
  public record Upload(byte[] parameters, byte[] publicKey, InputStream evaluationKeys) {
  }

  /**
   * Writes the container's head (magic, version, parameters, public key); the caller then writes the
   * serialized evaluation key set to the same stream.
   */
  public static void writeHead(OutputStream out, byte[] parameters, byte[] publicKey) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.write(MAGIC);
    data.writeShort(VERSION);
    data.writeInt(parameters.length);
    data.write(parameters);
    data.writeInt(publicKey.length);
    data.write(publicKey);
    data.flush();
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
      if (version != VERSION) {
        throw new KeySetUploadException("key-set upload format version " + version
            + " is not supported; this server reads version " + VERSION);
      }
      byte[] parameters = readPart(data, "parameters");
      byte[] publicKey = readPart(data, "public key");
      return new Upload(parameters, publicKey, in);
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
