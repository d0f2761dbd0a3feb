package org.homocloud.fhir.keys.custody;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Wraps a secret under an AWS KMS key by envelope encryption, as Tink's {@code KmsEnvelopeAead} does: KMS's
 * {@code GenerateDataKey} (AES_256) gives a fresh data key in clear and encrypted under the KMS key; the secret is
 * encrypted locally with AES-256-GCM under the data key, with the key file's header as associated data; the
 * encrypted data key and the KMS key's ARN go into the header. Opening the file is one KMS {@code Decrypt} of the
 * data key. This is key escrow: whoever may call {@code kms:Decrypt} on that KMS key can open the file, and
 * nobody else, passphrase or not; the KMS service never sees the secret key itself, only the 32-byte data key.
 *
 * <p>Envelope rather than KMS {@code Encrypt} of the secret key: {@code Encrypt} takes at most 4,096 bytes,
 * and a serialized secret key is 4,119 bytes at logN 14 (2 bits a coefficient plus the 23-byte header).
 *
 * <p>Every KMS call carries an encryption context that names the purpose, the key set, the parameter
 * fingerprint and the key-file format version; KMS authenticates it with the data key, so a data key taken
 * from one key file does not decrypt when presented for another key set, and CloudTrail logs which key set
 * each {@code Decrypt} opened.
 *
 * <p>Wrapping parameters: KMS key ARN length {@code u16} | ARN (UTF-8) | encrypted data key length {@code u16}
 * | encrypted data key (KMS's opaque {@code CiphertextBlob}) | AES-GCM nonce (12 bytes).
 *
 * <p>Guarantee: without {@code kms:Decrypt} on the KMS key, the wrapped secret is as hard to recover as
 * AES-256-GCM is to break; any change to the file fails, either at KMS (the data key or the context) or locally
 * (the header or the wrapped key). A wrapper for writing issues one set of parameters at a time: {@link
 * #newWrappingParameters} holds the fresh data key until the next {@link #wrap} uses and zeroes it. The data
 * key's other copies (the SDK's response bytes, the JDK's {@code SecretKeySpec}) cannot be cleared.
 */
public final class KmsEnvelopeWrapper implements SecretKeyWrapper {

  /** Scheme number in the key file. */
  public static final int SCHEME = 2;

  static final int DATA_KEY_BYTES = 32;
  static final int MAX_ARN_BYTES = 2048;
  static final int MAX_ENCRYPTED_DATA_KEY_BYTES = 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Error codes AWS answers when the request's signature or credentials are not accepted. */
  private static final Set<String> CREDENTIAL_ERRORS = Set.of("InvalidSignatureException",
      "UnrecognizedClientException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
      "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch");

  private final KmsClient kms;
  private final String kmsKeyId;
  private final Map<String, String> encryptionContext;
  private byte[] issuedParameters;
  private byte[] issuedDataKey;

  private KmsEnvelopeWrapper(KmsClient kms, String kmsKeyId, String keySetId, byte[] parametersFingerprint) {
    if (kms == null) {
      throw new KeyFileException("no KMS client given");
    }
    this.kms = kms;
    this.kmsKeyId = kmsKeyId;
    this.encryptionContext = encryptionContext(keySetId, parametersFingerprint);
  }

  /**
   * A wrapper that writes a new key file for {@code keySetId} under {@code kmsKeyId} (a key id, key ARN, alias
   * name such as {@code alias/homocloud-escrow} or alias ARN of a symmetric encryption key).
   */
  public static KmsEnvelopeWrapper forWriting(KmsClient kms, String kmsKeyId, String keySetId, byte[] parametersFingerprint) {
    if (kmsKeyId == null || kmsKeyId.isBlank()) {
      throw new KeyFileException("no KMS key id given");
    }
    return new KmsEnvelopeWrapper(kms, kmsKeyId, keySetId, parametersFingerprint);
  }

  /** A wrapper that opens the key file whose clear header is {@code header}, under the KMS key the file names. */
  public static KmsEnvelopeWrapper forOpening(KmsClient kms, CustodianKeyFile.Header header) {
    return new KmsEnvelopeWrapper(kms, null, header.keySetId(), header.parametersFingerprint());
  }

  /** The ARN of the KMS key that wrapped a file, read from its (not yet authenticated) wrapping parameters. */
  public static String kmsKeyArnOf(byte[] wrappingParameters) {
    return Parameters.parse(wrappingParameters).kmsKeyArn();
  }

  /** The encryption context of every KMS call for a key file of {@code keySetId}, as KMS and CloudTrail see it. */
  public static Map<String, String> encryptionContext(String keySetId, byte[] parametersFingerprint) {
    return Map.of(
        "homocloud:purpose", "custodian-key-file",
        "homocloud:key-set", keySetId,
        "homocloud:parameters", HexFormat.of().formatHex(parametersFingerprint),
        "homocloud:key-file-version", Integer.toString(CustodianKeyFile.VERSION));
  }

  @Override
  public int scheme() {
    return SCHEME;
  }

  @Override
  public int wrappedLength(int secretLength) {
    return secretLength + AesGcm.TAG_BYTES;
  }

  /** Calls KMS {@code GenerateDataKey}; the clear data key waits in this wrapper for the next {@link #wrap}. */
  @Override
  public synchronized byte[] newWrappingParameters() {
    if (kmsKeyId == null) {
      throw new IllegalStateException("this wrapper was made for opening a key file, not for writing one");
    }
    GenerateDataKeyResponse response = call("generate a data key with", kmsKeyId, () -> kms.generateDataKey(r -> r
        .keyId(kmsKeyId).keySpec(DataKeySpec.AES_256).encryptionContext(encryptionContext)));
    byte[] dataKey = response.plaintext().asByteArray();
    if (dataKey.length != DATA_KEY_BYTES) {
      Arrays.fill(dataKey, (byte) 0);
      throw new KeyFileException("AWS KMS returned a data key of " + dataKey.length + " bytes, not " + DATA_KEY_BYTES);
    }
    byte[] nonce = new byte[AesGcm.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] parameters = new Parameters(response.keyId(), response.ciphertextBlob().asByteArray(), nonce).toBytes();
    clearIssued();
    issuedParameters = parameters;
    issuedDataKey = dataKey;
    return parameters.clone();
  }

  @Override
  public synchronized byte[] wrap(byte[] wrappingParameters, byte[] secret, byte[] associatedData) {
    if (issuedDataKey == null || !Arrays.equals(wrappingParameters, issuedParameters)) {
      throw new IllegalStateException("wrap needs the parameters this wrapper's newWrappingParameters issued last");
    }
    try {
      return AesGcm.seal(issuedDataKey, Parameters.parse(wrappingParameters).nonce(), secret, associatedData);
    } finally {
      clearIssued();
    }
  }

  /** Calls KMS {@code Decrypt} on the file's data key, then opens the secret locally. */
  @Override
  public byte[] unwrap(byte[] wrappingParameters, byte[] wrapped, byte[] associatedData) {
    Parameters parameters = Parameters.parse(wrappingParameters);
    DecryptResponse response = call("decrypt the data key with", parameters.kmsKeyArn(), () -> kms.decrypt(r -> r
        .keyId(parameters.kmsKeyArn())
        .ciphertextBlob(SdkBytes.fromByteArray(parameters.encryptedDataKey()))
        .encryptionContext(encryptionContext)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT)));
    byte[] dataKey = response.plaintext().asByteArray();
    try {
      if (dataKey.length != DATA_KEY_BYTES) {
        throw new KeyFileException("the data key AWS KMS returned is " + dataKey.length + " bytes, not " + DATA_KEY_BYTES);
      }
      return AesGcm.open(dataKey, parameters.nonce(), wrapped, associatedData);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private void clearIssued() {
    if (issuedDataKey != null) {
      Arrays.fill(issuedDataKey, (byte) 0);
    }
    issuedDataKey = null;
    issuedParameters = null;
  }

  /**
   * Runs one KMS call and turns its failures into one-line messages: about the file (a data key KMS will not
   * decrypt for this context or key: {@link KeyFileException}, reported as a corrupted file) or about the KMS
   * key and the caller's access to it ({@link WrappingKeyUnavailableException}).
   */
  private static <T> T call(String what, String keyId, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (InvalidCiphertextException | IncorrectKeyException e) {
      throw new KeyFileException("AWS KMS refused the wrapped data key (" + errorCode(e)
          + "): the file was changed or was not wrapped with " + keyId, e);
    } catch (NotFoundException e) {
      throw unavailable("the AWS KMS key " + keyId + " does not exist in this account and region", e);
    } catch (DisabledException e) {
      throw unavailable("the AWS KMS key " + keyId + " is disabled", e);
    } catch (KmsInvalidStateException e) {
      throw unavailable("the AWS KMS key " + keyId + " cannot be used in its state: " + message(e), e);
    } catch (InvalidKeyUsageException e) {
      throw unavailable("the AWS KMS key " + keyId + " is not a symmetric encryption key: " + message(e), e);
    } catch (KmsException e) {
      // AccessDeniedException has no class of its own in the SDK's KMS model; its error code says it.
      if ("AccessDeniedException".equals(errorCode(e))) {
        throw unavailable("AWS KMS denied access to " + keyId + ": " + message(e), e);
      }
      if (CREDENTIAL_ERRORS.contains(errorCode(e))) {
        throw unavailable("AWS refused the credentials (" + errorCode(e) + "): " + message(e)
            + " (credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS SDK's default chain)", e);
      }
      throw unavailable("AWS KMS refused to " + what + " " + keyId + " (" + errorCode(e) + "): " + message(e), e);
    } catch (SdkClientException e) {
      throw unavailable("cannot " + what + " " + keyId + ": " + e.getMessage(), e);
    }
  }

  private static WrappingKeyUnavailableException unavailable(String message, Throwable cause) {
    return new WrappingKeyUnavailableException(message, cause);
  }

  private static String errorCode(KmsException e) {
    return e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
  }

  private static String message(KmsException e) {
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return message == null ? errorCode(e) : message;
  }

  /** The wrapping parameters' fields; parsing checks every length before allocating. */
  private record Parameters(String kmsKeyArn, byte[] encryptedDataKey, byte[] nonce) {

    static Parameters parse(byte[] bytes) {
      try {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int arnLength = Short.toUnsignedInt(in.getShort());
        if (arnLength == 0 || arnLength > MAX_ARN_BYTES || arnLength > in.remaining()) {
          throw new KeyFileException("KMS wrapping parameters name a key ARN of " + arnLength + " bytes");
        }
        byte[] arn = new byte[arnLength];
        in.get(arn);
        int blobLength = Short.toUnsignedInt(in.getShort());
        if (blobLength == 0 || blobLength > MAX_ENCRYPTED_DATA_KEY_BYTES || blobLength > in.remaining()) {
          throw new KeyFileException("KMS wrapping parameters hold an encrypted data key of " + blobLength + " bytes");
        }
        byte[] blob = new byte[blobLength];
        in.get(blob);
        if (in.remaining() != AesGcm.NONCE_BYTES) {
          throw new KeyFileException("KMS wrapping parameters end with " + in.remaining() + " bytes, not a "
              + AesGcm.NONCE_BYTES + "-byte nonce");
        }
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        in.get(nonce);
        return new Parameters(new String(arn, StandardCharsets.UTF_8), blob, nonce);
      } catch (BufferUnderflowException e) {
        throw new KeyFileException("KMS wrapping parameters are truncated", e);
      }
    }

    byte[] toBytes() {
      byte[] arn = kmsKeyArn.getBytes(StandardCharsets.UTF_8);
      if (arn.length > MAX_ARN_BYTES || encryptedDataKey.length > MAX_ENCRYPTED_DATA_KEY_BYTES) {
        throw new KeyFileException("AWS KMS returned a key ARN of " + arn.length + " bytes and an encrypted data key of "
            + encryptedDataKey.length + " bytes; at most " + MAX_ARN_BYTES + " and " + MAX_ENCRYPTED_DATA_KEY_BYTES
            + " fit a key file");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeShort(arn.length);
        out.write(arn);
        out.writeShort(encryptedDataKey.length);
        out.write(encryptedDataKey);
        out.write(nonce);
      } catch (IOException e) {
        throw new IllegalStateException("a byte array stream does not fail", e);
      }
      return bytes.toByteArray();
    }
  }
}
