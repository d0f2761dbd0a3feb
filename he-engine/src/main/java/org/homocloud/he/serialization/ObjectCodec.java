package org.homocloud.he.serialization;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;

/**
 * Reads and writes one kind of public engine object (ciphertext, plaintext, key) in the engine's
 * versioned binary format, for one set of parameters. Readers check the header against the
 * parameters they were made for and every length and residue against what those parameters
 * allow, and fail with {@link HeException}. Immutable and thread-safe.
 *
 * <p>The stream forms read or write exactly one object and leave the stream open, so objects can
 * follow each other; the byte-array forms also reject trailing bytes.
 *
 * @param <T> the engine type this codec handles
 */
public abstract sealed class ObjectCodec<T>
    permits CiphertextCodec, PlaintextCodec, PublicKeyCodec, SwitchingKeyCodec,
        RelinearizationKeyCodec, GaloisKeyCodec, EvaluationKeySetCodec, BootstrappingKeySetCodec,
        LeveledEvaluationKeySetCodec {

  /** Large enough that stream writes of key sets go out in big blocks. */
  static final int BUFFER_BYTES = 1 << 16;

  /** The largest array a JVM reliably allocates. */
  static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private final CkksParameters parameters;
  private final ObjectType type;

  ObjectCodec(CkksParameters parameters, ObjectType type) {
    if (parameters == null) {
      throw new HeException("a codec needs the parameters its objects are made under");
    }
    this.parameters = parameters;
    this.type = type;
  }

  /** The parameters objects must have been made under. */
  public final CkksParameters parameters() {
    return parameters;
  }

  /** Writes {@code value} to {@code out} and flushes; does not close the stream. */
  public final void write(T value, OutputStream out) throws IOException {
    if (value == null) {
      throw new HeException("cannot write a null " + type.description());
    }
    BufferedOutputStream buffered = new BufferedOutputStream(out, BUFFER_BYTES);
    FormatWriter writer = new FormatWriter(buffered);
    Header.write(writer, type, parameters);
    writeBody(value, writer);
    buffered.flush();
  }

  /** Reads one object from {@code in}, leaving the stream just after it. */
  public final T read(InputStream in) throws IOException {
    FormatReader reader = new FormatReader(in);
    Header.read(reader, type, parameters);
    return readBody(reader);
  }

  /**
   * The serialized form of {@code value}; its length is {@link #size(Object)}. Objects of 2 GB
   * or more (large evaluation key sets) do not fit in an array: write them to a stream.
   */
  public final byte[] toBytes(T value) {
    if (value == null) {
      throw new HeException("cannot write a null " + type.description());
    }
    long size = size(value);
    if (size > MAX_ARRAY_BYTES) {
      throw new HeException("a " + type.description() + " of " + size
          + " bytes does not fit in a byte array; write it to a stream instead");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) size);
    try {
      write(value, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
    return bytes.toByteArray();
  }

  /** Reads an object that must fill {@code bytes} exactly. */
  public final T fromBytes(byte[] bytes) {
    if (bytes == null) {
      throw new HeException("cannot read a " + type.description() + " from null");
    }
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    try {
      T value = read(in);
      if (in.available() > 0) {
        throw new HeException("trailing bytes: " + in.available() + " bytes follow the end of the "
            + type.description() + " at byte " + (bytes.length - in.available()));
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
  }

  /** Exact number of bytes {@link #write} produces for {@code value}, computed without writing. */
  public final long size(T value) {
    return Header.size(type) + bodySize(value);
  }

  abstract void writeBody(T value, FormatWriter out) throws IOException;

  abstract T readBody(FormatReader in) throws IOException;

  abstract long bodySize(T value);
}
