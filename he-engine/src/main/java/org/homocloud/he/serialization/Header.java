package org.homocloud.he.serialization;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;

/**
 * The start of every serialized object: magic "HCKS", the format version (u16), the object type
 * tag (u8) and, for everything but parameters, the 16-byte fingerprint of the parameters the
 * object was made under. Reading it checks all four before any body byte is looked at.
 */
final class Header {

  /** "HCKS": Homocloud CKKS. */
  static final byte[] MAGIC = {'H', 'C', 'K', 'S'};

  /** Size of magic, version and type. */
  static final int PREFIX_BYTES = MAGIC.length + 2 + 1;

  static final int FINGERPRINT_BYTES = 16;

  private Header() {}

  /** Header size of an object of this type. */
  static int size(ObjectType type) {
    return PREFIX_BYTES + (type == ObjectType.PARAMETERS ? 0 : FINGERPRINT_BYTES);
  }

  static void write(FormatWriter out, ObjectType type, CkksParameters parameters) throws IOException {
    out.bytes(MAGIC);
    out.u16(SerializationFormat.VERSION);
    out.u8(type.tag());
    if (type != ObjectType.PARAMETERS) {
      out.bytes(parameters.fingerprint());
    }
  }

  /**
   * Reads and checks a header: {@code expected} must be the type found, and its fingerprint must
   * equal that of {@code parameters} (ignored for parameters themselves).
   */
  static void read(FormatReader in, ObjectType expected, CkksParameters parameters) throws IOException {
    byte[] magic = in.bytes(MAGIC.length, "magic bytes");
    if (!MessageDigest.isEqual(magic, MAGIC)) {
      throw new HeException("not a Homocloud object: the input starts with 0x"
          + HexFormat.of().formatHex(magic) + ", not the magic bytes \"HCKS\"");
    }
    int version = in.u16("format version");
    if (version != SerializationFormat.VERSION) {
      throw new HeException("unknown format version " + version + ": this reader understands version "
          + SerializationFormat.VERSION + " only");
    }
    int tag = in.u8("object type");
    ObjectType found = ObjectType.byTag(tag);
    if (found == null) {
      throw new HeException("unknown object type tag " + tag + " (expected " + expected.tag()
          + ", a " + expected.description() + ")");
    }
    if (found != expected) {
      throw new HeException("expected a " + expected.description() + " but the input holds a "
          + found.description());
    }
    if (expected != ObjectType.PARAMETERS) {
      byte[] fingerprint = in.bytes(FINGERPRINT_BYTES, "parameter fingerprint");
      byte[] wanted = parameters.fingerprint();
      if (!MessageDigest.isEqual(fingerprint, wanted)) {
        throw new HeException(expected.description() + " was made under other parameters "
            + "(fingerprint " + HexFormat.of().formatHex(fingerprint) + ", these parameters have "
            + HexFormat.of().formatHex(wanted) + ")");
      }
    }
  }
}
