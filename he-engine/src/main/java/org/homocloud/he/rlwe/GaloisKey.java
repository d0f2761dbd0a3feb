package org.homocloud.he.rlwe;

/** Switching key from sigma_g(s) to s, enabling the automorphism X -> X^g on ciphertexts. */
public record GaloisKey(long galoisElement, SwitchingKey key) {}
