package org.homocloud.testing.kms;

/** An error the fake answers in KMS's shape: HTTP status, {@code __type} and {@code message}. */
final class KmsError extends RuntimeException {

    final int status;
    final String type;

    KmsError(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    static KmsError notFound(String keyId) {
        return new KmsError(400, "NotFoundException", "Key '" + keyId + "' does not exist");
    }

    static KmsError validation(String message) {
        return new KmsError(400, "ValidationException", message);
    }
}
