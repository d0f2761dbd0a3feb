package org.homocloud.he.bench;

import java.lang.reflect.Method;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Serialized size of a ciphertext with the engine's binary format
 * ({@code org.homocloud.he.serialization.CiphertextCodec}), looked up reflectively so that the
 * benchmark also builds and runs on a tree without the serialization package.
 */
final class SerializedSize {

  static final String CODEC = "org.homocloud.he.serialization.CiphertextCodec";

  private SerializedSize() {}

  /** Bytes of {@code codec.toBytes(ct)}, or null when the codec is not available. */
  static Long of(CkksParameters params, Ciphertext ct) {
    try {
      Class<?> type = Class.forName(CODEC);
      Object codec = type.getConstructor(CkksParameters.class).newInstance(params);
      Method toBytes = type.getMethod("toBytes", Object.class);
      return (long) ((byte[]) toBytes.invoke(codec, ct)).length;
    } catch (ReflectiveOperationException | ClassCastException e) {
      System.err.println("engine bench: no ciphertext serializer (" + e + ")");
      return null;
    }
  }
}
