package org.homocloud.fhir.keys.custody;

/**
 * Encrypts (wraps) the serialized secret key of a custodian key file and decrypts it again.
 *
 * <p>Guarantee every implementation keeps: {@link #unwrap} returns the wrapped bytes only if the
 * wrapped bytes, the wrapping parameters and the associated data (the key file's header) are all
 * exactly as {@link #wrap} saw them and the caller holds the same key (passphrase, KMS key);
 * otherwise it throws {@link KeyFileException} and reveals nothing about which of these differed.
 *
 * <p>{@link PassphraseWrapper} is the one implementation now (Argon2id, then AES-256-GCM); an AWS KMS
 * envelope implementation (a data key from {@code GenerateDataKey} stored encrypted in the wrapping
 * parameters) slots in beside it under its own {@link #scheme()} number.
 */
public interface SecretKeyWrapper {

  /** The scheme number written to the key file, so a reader picks the matching wrapper. */
  int scheme();

  /**
   * Fresh, public, per-file parameters (a salt and KDF costs, or an encrypted data key); stored in the
   * key file's header and so covered by the associated data.
   */
  byte[] newWrappingParameters();

  /** Bytes {@link #wrap} returns for a secret of {@code secretLength} bytes (it is in the associated data). */
  int wrappedLength(int secretLength);

  /** Encrypts {@code secret} under this wrapper's key and {@code wrappingParameters}, binding {@code associatedData}. */
  byte[] wrap(byte[] wrappingParameters, byte[] secret, byte[] associatedData);

  /** Decrypts what {@link #wrap} produced; the caller zeroes the result after use. */
  byte[] unwrap(byte[] wrappingParameters, byte[] wrapped, byte[] associatedData);
}
