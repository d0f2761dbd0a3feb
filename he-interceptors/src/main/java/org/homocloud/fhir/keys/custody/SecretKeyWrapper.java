package org.homocloud.fhir.keys.custody;

/**
 * Encrypts (wraps) the serialized secret key of a custodian key file and decrypts it again.
 *
 * <p>Guarantee every implementation keeps: {@link #unwrap} returns the wrapped bytes only if the
 * wrapped bytes, the wrapping parameters and the associated data (the key file's header) are all
 * exactly as {@link #wrap} saw them and the caller holds the same key (passphrase, KMS key);
 * otherwise it throws {@link KeyFileException} and reveals nothing about which of these differed.
 *
 * <p>Implementations: {@link PassphraseWrapper} (scheme 1: Argon2id, then AES-256-GCM) and
 * {@link KmsEnvelopeWrapper} (scheme 2: a data key from AWS KMS {@code GenerateDataKey}, stored encrypted
 * in the wrapping parameters, then AES-256-GCM). A wrapper that cannot use its key at all (a KMS key that is
 * missing, refused or unreachable) throws {@link WrappingKeyUnavailableException}, which readers report as
 * such rather than as a corrupted file.
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
