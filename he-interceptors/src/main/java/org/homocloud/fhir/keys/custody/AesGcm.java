package org.homocloud.fhir.keys.custody;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a 128-bit tag and associated data (the JDK's), the one authenticated cipher both wrappers
 * seal a secret key with. A failed tag check is "authentication failed": the file or its header was changed,
 * or the wrapping key is not the one it was sealed with.
 */
final class AesGcm {

  static final int NONCE_BYTES = 12;
  /** What sealing adds to the plaintext's length. */
  static final int TAG_BYTES = 16;

  private AesGcm() {
  }

  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
    return run(Cipher.ENCRYPT_MODE, key, nonce, plaintext, associatedData);
  }

  static byte[] open(byte[] key, byte[] nonce, byte[] sealed, byte[] associatedData) {
    return run(Cipher.DECRYPT_MODE, key, nonce, sealed, associatedData);
  }

  private static byte[] run(int mode, byte[] key, byte[] nonce, byte[] input, byte[] associatedData) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(input);
    } catch (AEADBadTagException e) {
      throw new KeyFileException("authentication failed", e);
    } catch (GeneralSecurityException e) {
      throw new KeyFileException("AES-256-GCM failed: " + e.getMessage(), e);
    }
  }
}
