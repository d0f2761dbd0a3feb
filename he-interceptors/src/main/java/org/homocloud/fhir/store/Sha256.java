package org.homocloud.fhir.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers shared by the stores. */
final class Sha256 {

  private Sha256() {
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static byte[] of(byte[] bytes) {
    return newDigest().digest(bytes);
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
