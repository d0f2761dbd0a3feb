package org.homocloud.he.analytics;

import org.homocloud.he.HeException;

/**
 * One value's place in a list of packed ciphertexts: the index of the ciphertext in that list
 * and the slot within it. This is how a caller that stores many values per ciphertext (a
 * "packing group") names the values a plaintext search selected.
 */
public record SlotRef(int ciphertext, int slot) {

  public SlotRef {
    if (ciphertext < 0 || slot < 0) {
      throw new HeException("ciphertext index and slot must be non-negative: (" + ciphertext + ", " + slot + ")");
    }
  }
}
