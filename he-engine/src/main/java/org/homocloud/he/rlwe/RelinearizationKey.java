package org.homocloud.he.rlwe;

/** Switching key from s^2 to s, turning a degree-2 product back into a 2-component ciphertext. */
public record RelinearizationKey(SwitchingKey key) {}
