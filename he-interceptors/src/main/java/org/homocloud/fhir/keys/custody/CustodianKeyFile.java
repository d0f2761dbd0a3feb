package org.homocloud.fhir.keys.custody;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import org.homocloud.fhir.keys.KeySetIds;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SecretKeyAccess;
import org.homocloud.he.serialization.SecretKeyCodec;

/**
 * The custodian's secret key at rest: one file holding the CKKS secret key (in the engine's
 * {@link SecretKeyCodec} format), the key-set id and parameter fingerprint it belongs to, wrapped by a
 * {@link SecretKeyWrapper}: a passphrase ({@link PassphraseWrapper}, scheme 1) or an AWS KMS key
 * ({@link KmsEnvelopeWrapper}, scheme 2).
 *
 * <p>Format, version {@value #VERSION} (integers unsigned big-endian):
 * <pre>
 *   magic "HCKF" (4) | version u16 | key-set id length u8 | key-set id (UTF-8)
 *   | parameter fingerprint (16) | wrapping scheme u8 | wrapping parameters length u16
 *   | wrapping parameters | wrapped length u32 | wrapped secret key
 * </pre>
 * Everything before the wrapped secret key is the header and the wrapper's associated data: a
 * changed id, fingerprint, cost or salt fails authentication like a changed key byte. Readers reject
 * other magic bytes and unknown versions before anything else, and check every length before
 * allocating. Files are written owner-only ({@code rw-------}), fsynced, and moved into place
 * atomically; an existing key file is never overwritten.
 */
public final class CustodianKeyFile {

  public static final int VERSION = 1;

  static final byte[] MAGIC = {'H', 'C', 'K', 'F'};

  /** Far above any secret key (logN 17: 32 KiB plus a 16-byte tag); bounds what a reader allocates. */
  static final int MAX_WRAPPED_BYTES = 1 << 20;

  static final int MAX_WRAPPING_PARAMETERS_BYTES = 4096;

  static final int FINGERPRINT_BYTES = 16;

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private CustodianKeyFile() {
  }

  /** What a key file says about itself in clear: readable without the passphrase, authenticated only once opened. */
  public record Header(int version, String keySetId, byte[] parametersFingerprint, int scheme, byte[] wrappingParameters) {

    public String parametersFingerprintHex() {
      return HexFormat.of().formatHex(parametersFingerprint);
    }
  }

  /**
   * Writes {@code secretKey} to a new file {@code file}, wrapped by {@code wrapper}; fails if the file
   * exists. Handles the secret key, hence the access token.
   */
  public static void write(Path file, String keySetId, SecretKey secretKey, CkksParameters parameters,
      SecretKeyWrapper wrapper, SecretKeyAccess access) {
    KeySetIds.check(keySetId);
    if (access == null) {
      throw new SecurityException("writing a secret key requires a SecretKeyAccess token");
    }
    if (!MessageDigest.isEqual(secretKey.parameters().fingerprint(), parameters.fingerprint())) {
      throw new KeyFileException("cannot write key file " + file + ": the secret key was made under other parameters");
    }
    byte[] wrappingParameters = wrapper.newWrappingParameters();
    byte[] header = header(keySetId, parameters.fingerprint(), wrapper.scheme(), wrappingParameters);
    byte[] secret = new SecretKeyCodec(parameters).secretKeyToBytes(secretKey, access);
    byte[] wrapped;
    try {
      wrapped = wrapper.wrap(wrappingParameters, secret, aad(header, wrapper.wrappedLength(secret.length)));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    if (wrapped.length != wrapper.wrappedLength(secret.length)) {
      throw new KeyFileException("wrapper " + wrapper.getClass().getSimpleName()
          + " produced " + wrapped.length + " bytes, not the " + (wrapper.wrappedLength(secret.length)) + " it announced");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(aad(header, wrapped.length));
    out.writeBytes(wrapped);
    writeAtomically(file, out.toByteArray());
  }

  /** Reads a key file's clear header, without the passphrase (to find the key set and its parameters). */
  public static Header readHeader(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return readHeader(new DataInputStream(in), file);
    } catch (EOFException e) {
      throw corrupted(file, "truncated");
    } catch (IOException e) {
      throw new KeyFileException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens {@code file} with {@code wrapper} and rebuilds its secret key under {@code parameters}, which
   * must be the parameters whose fingerprint the file names. Handles the secret key, hence the token.
   *
   * @throws KeyFileException "wrong passphrase or corrupted key file" when authentication fails, or a
   *     message naming the unknown version, the other parameters or the other scheme
   */
  public static SecretKey read(Path file, CkksParameters parameters, SecretKeyWrapper wrapper, SecretKeyAccess access) {
    if (access == null) {
      throw new SecurityException("reading a secret key requires a SecretKeyAccess token");
    }
    Header header;
    byte[] wrapped;
    try (InputStream in = Files.newInputStream(file)) {
      DataInputStream data = new DataInputStream(in);
      header = readHeader(data, file);
      long length = Integer.toUnsignedLong(data.readInt());
      if (length > MAX_WRAPPED_BYTES) {
        throw corrupted(file, "it claims a wrapped key of " + length + " bytes, more than the "
            + MAX_WRAPPED_BYTES + " allowed");
      }
      wrapped = data.readNBytes((int) length);
      if (wrapped.length != length) {
        throw corrupted(file, "truncated: " + wrapped.length + " of " + length + " wrapped key bytes present");
      }
      if (data.read() >= 0) {
        throw corrupted(file, "trailing bytes after the wrapped key");
      }
    } catch (EOFException e) {
      throw corrupted(file, "truncated");
    } catch (IOException e) {
      throw new KeyFileException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
    if (header.scheme() != wrapper.scheme()) {
      throw corrupted(file, "it names wrapping scheme " + header.scheme() + "; the given wrapper handles scheme "
          + wrapper.scheme());
    }
    byte[] aad = aad(header(header.keySetId(), header.parametersFingerprint(), header.scheme(),
        header.wrappingParameters()), wrapped.length);
    byte[] secret;
    try {
      secret = wrapper.unwrap(header.wrappingParameters(), wrapped, aad);
    } catch (WrappingKeyUnavailableException e) {
      // Says nothing about the file: the KMS key is missing, refused or unreachable.
      throw new WrappingKeyUnavailableException("cannot open key file " + file + ": " + e.getMessage(), e);
    } catch (KeyFileException e) {
      throw corrupted(file, header.scheme(), e.getMessage());
    }
    try {
      // Checked after authentication, so a tampered fingerprint reads as tampering, not as a mismatch.
      if (!MessageDigest.isEqual(header.parametersFingerprint(), parameters.fingerprint())) {
        throw new KeyFileException("key file " + file + " holds a key for parameters with fingerprint "
            + header.parametersFingerprintHex() + ", not the given " + HexFormat.of().formatHex(parameters.fingerprint()));
      }
      return new SecretKeyCodec(parameters).secretKeyFromBytes(secret, access);
    } catch (HeException e) {
      // Authenticated, so written by someone holding the passphrase: a writer bug, not tampering.
      throw new KeyFileException("key file " + file + " decrypts to a malformed secret key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * One message for every failure after the version check, whether a wrong passphrase or a damaged
   * byte caused it: authentication cannot tell them apart, and structure errors should not hint.
   */
  private static KeyFileException corrupted(Path file, String detail) {
    return new KeyFileException("wrong passphrase or corrupted key file " + file + " (" + detail + ")");
  }

  /** As {@link #corrupted(Path, String)}, worded for the file's wrapping scheme: a KMS key has no passphrase. */
  private static KeyFileException corrupted(Path file, int scheme, String detail) {
    if (scheme == KmsEnvelopeWrapper.SCHEME) {
      return new KeyFileException("corrupted key file " + file + ", or not wrapped by the AWS KMS key it names ("
          + detail + ")");
    }
    return corrupted(file, detail);
  }

  private static Header readHeader(DataInputStream in, Path file) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new KeyFileException("not a Homocloud key file: " + file + " does not start with \"HCKF\"");
    }
    int version = in.readUnsignedShort();
    if (version != VERSION) {
      throw new KeyFileException("key file " + file + " has format version " + version
          + "; this reader understands version " + VERSION + " only");
    }
    int idLength = in.readUnsignedByte();
    String keySetId = new String(in.readNBytes(idLength), StandardCharsets.UTF_8);
    if (!KeySetIds.PATTERN.matcher(keySetId).matches()) {
      throw corrupted(file, "the key-set id is not valid");
    }
    byte[] fingerprint = in.readNBytes(FINGERPRINT_BYTES);
    if (fingerprint.length != FINGERPRINT_BYTES) {
      throw new EOFException();
    }
    int scheme = in.readUnsignedByte();
    int parametersLength = in.readUnsignedShort();
    if (parametersLength > MAX_WRAPPING_PARAMETERS_BYTES) {
      throw corrupted(file, "it claims " + parametersLength + " bytes of wrapping parameters, more than the "
          + MAX_WRAPPING_PARAMETERS_BYTES + " allowed");
    }
    byte[] wrappingParameters = in.readNBytes(parametersLength);
    if (wrappingParameters.length != parametersLength) {
      throw new EOFException();
    }
    return new Header(version, keySetId, fingerprint, scheme, wrappingParameters);
  }

  private static byte[] header(String keySetId, byte[] fingerprint, int scheme, byte[] wrappingParameters) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      byte[] id = keySetId.getBytes(StandardCharsets.UTF_8);
      out.write(MAGIC);
      out.writeShort(VERSION);
      out.writeByte(id.length);
      out.write(id);
      out.write(fingerprint);
      out.writeByte(scheme);
      out.writeShort(wrappingParameters.length);
      out.write(wrappingParameters);
    } catch (IOException e) {
      throw new IllegalStateException("a byte array stream does not fail", e);
    }
    return bytes.toByteArray();
  }

  /** The associated data: the header followed by the wrapped length, i.e. every byte before the wrapped key. */
  private static byte[] aad(byte[] header, int wrappedLength) {
    byte[] aad = Arrays.copyOf(header, header.length + 4);
    aad[header.length] = (byte) (wrappedLength >>> 24);
    aad[header.length + 1] = (byte) (wrappedLength >>> 16);
    aad[header.length + 2] = (byte) (wrappedLength >>> 8);
    aad[header.length + 3] = (byte) wrappedLength;
    return aad;
  }

  /**
   * Temp file with owner-only permissions from creation, written, fsynced, then linked to its name
   * (which fails if a file is there: a key is never silently replaced) and the directory fsynced.
   */
  private static void writeAtomically(Path file, byte[] bytes) {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    if (Files.exists(target)) {
      throw new KeyFileException("key file " + file + " exists; refusing to overwrite a secret key");
    }
    Path temp = null;
    try {
      boolean posix = Files.getFileStore(directory).supportsFileAttributeView("posix");
      FileAttribute<?>[] attributes = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
          : new FileAttribute<?>[0];
      temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp", attributes);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
           OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
        out.write(bytes);
        out.flush();
        channel.force(true);
      }
      try {
        Files.createLink(target, temp);
        Files.delete(temp);
      } catch (FileAlreadyExistsException e) {
        throw new KeyFileException("key file " + file + " exists; refusing to overwrite a secret key", e);
      } catch (UnsupportedOperationException | IOException e) {
        // No hard links on this file system: a rename, after the existence check above.
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
          throw new KeyFileException("cannot place key file " + file + " atomically: " + notAtomic.getMessage(), notAtomic);
        }
      }
      temp = null;
      if (posix) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
          dir.force(true);
        } catch (IOException ignored) {
          // some platforms cannot open a directory; the file itself is fsynced
        }
      }
    } catch (IOException e) {
      throw new KeyFileException("cannot write key file " + file + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort; the temp file is owner-only
        }
      }
    }
  }
}
