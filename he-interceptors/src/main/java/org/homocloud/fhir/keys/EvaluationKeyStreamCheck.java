package org.homocloud.fhir.keys;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.serialization.GaloisKeyCodec;
import org.homocloud.he.serialization.LeveledEvaluationKeySetCodec;
import org.homocloud.he.serialization.RelinearizationKeyCodec;
import org.homocloud.he.serialization.SerializationFormat;

/**
 * Checks a serialized evaluation key set (formats.md, tag 9) key by key, holding one key in memory at
 * a time, so a set of gigabytes is validated without being loaded: the header against the expected
 * parameters, then every key through the engine's own codecs, element order, and the end of input.
 *
 * <p>The engine's {@code EvaluationKeySetCodec} reads a whole set into memory, and its per-key readers
 * are not public; so each embedded key is handed to the public single-key codec behind a synthetic
 * header (magic, version, type tag, fingerprint, as formats.md specifies). A streaming check in the
 * engine itself would retire this class.
 */
final class EvaluationKeyStreamCheck {

  static final byte[] MAGIC = {'H', 'C', 'K', 'S'};
  static final int TAG_RELINEARIZATION_KEY = 7;
  static final int TAG_GALOIS_KEY = 8;
  static final int TAG_EVALUATION_KEY_SET = 9;
  static final int HAS_RELINEARIZATION_KEY = 1;

  /** What a checked set holds. */
  record Summary(boolean relinearizationKey, List<Long> galoisElements) {
  }

  private EvaluationKeyStreamCheck() {
  }

  /** Tag of the leveled evaluation key set (formats.md, tag 11), checked by its engine codec. */
  static final int TAG_LEVELED_EVALUATION_KEY_SET = 11;

  /**
   * The object type tag of the engine object {@code in} starts with, read ahead and reset (-1 when the input
   * is shorter than a header's first seven bytes).
   */
  static int tagOf(BufferedInputStream in) throws IOException {
    in.mark(16);
    byte[] head = in.readNBytes(MAGIC.length + 3);
    in.reset();
    return head.length == MAGIC.length + 3 ? head[MAGIC.length + 2] & 0xff : -1;
  }

  /**
   * Reads {@code raw} to its end; throws {@link HeException} naming the first problem. Takes an evaluation
   * key set (tag 9) or a leveled one (tag 11, as bootstrappable key sets carry their ordinary keys).
   */
  static Summary check(InputStream raw, CkksParameters parameters) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    if (tagOf(in) == TAG_LEVELED_EVALUATION_KEY_SET) {
      LeveledEvaluationKeySetCodec.Summary summary = new LeveledEvaluationKeySetCodec(parameters).check(in);
      if (in.read() >= 0) {
        throw new HeException("trailing bytes follow the end of the evaluation key set");
      }
      return new Summary(summary.relinearizationKey(), summary.galoisElements());
    }
    DataInputStream data = new DataInputStream(in);
    byte[] fingerprint = parameters.fingerprint();
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!MessageDigest.isEqual(magic, MAGIC)) {
        throw new HeException("not a Homocloud object: the input starts with 0x" + HexFormat.of().formatHex(magic));
      }
      int version = data.readUnsignedShort();
      if (version != SerializationFormat.VERSION) {
        throw new HeException("unknown format version " + version + ": this reader understands version "
            + SerializationFormat.VERSION + " only");
      }
      int tag = data.readUnsignedByte();
      if (tag != TAG_EVALUATION_KEY_SET) {
        throw new HeException("object type tag " + tag + " is not " + TAG_EVALUATION_KEY_SET + ", an evaluation key set");
      }
      byte[] found = data.readNBytes(fingerprint.length);
      if (!MessageDigest.isEqual(found, fingerprint)) {
        throw new HeException("evaluation key set was made under other parameters (fingerprint "
            + HexFormat.of().formatHex(found) + ", expected " + HexFormat.of().formatHex(fingerprint) + ")");
      }
      int flags = data.readUnsignedByte();
      if ((flags & ~HAS_RELINEARIZATION_KEY) != 0) {
        throw new HeException("evaluation key set flags " + flags + " use undefined bits (only bit 0 is defined)");
      }
      long count = Integer.toUnsignedLong(data.readInt());
      if (count > parameters.n()) {
        throw new HeException("evaluation key set claims " + count + " Galois keys; there are only "
            + parameters.n() + " Galois elements at these parameters");
      }
      boolean relinearization = (flags & HAS_RELINEARIZATION_KEY) != 0;
      if (relinearization) {
        new RelinearizationKeyCodec(parameters).read(withHeader(TAG_RELINEARIZATION_KEY, fingerprint, data));
      }
      GaloisKeyCodec galoisCodec = new GaloisKeyCodec(parameters);
      List<Long> elements = new ArrayList<>();
      long previous = 0;
      for (long i = 0; i < count; i++) {
        GaloisKey key = galoisCodec.read(withHeader(TAG_GALOIS_KEY, fingerprint, data));
        if (key.galoisElement() <= previous) {
          throw new HeException("Galois keys must be in strictly ascending order of element: "
              + key.galoisElement() + " follows " + previous);
        }
        previous = key.galoisElement();
        elements.add(previous);
      }
      if (data.read() >= 0) {
        throw new HeException("trailing bytes follow the end of the evaluation key set");
      }
      return new Summary(relinearization, elements);
    } catch (java.io.EOFException e) {
      throw new HeException("truncated input: the evaluation key set ends early", e);
    }
  }

  private static InputStream withHeader(int tag, byte[] fingerprint, InputStream rest) {
    byte[] header = ByteBuffer.allocate(MAGIC.length + 2 + 1 + fingerprint.length)
        .put(MAGIC).putShort((short) SerializationFormat.VERSION).put((byte) tag).put(fingerprint).array();
    return new SequenceInputStream(new ByteArrayInputStream(header), new FilterInputStream(rest) {
      @Override
      public void close() {
        // the outer stream stays open for the next key
      }
    });
  }
}
