package org.homocloud.cli.decrypt;

import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.cli.keys.CustodianKeys;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.serialization.CiphertextCodec;

/**
 * Decrypts one slot of a serialized ciphertext with the custodian's secret key, rounded to
 * 2^-{@code logPrecision} before it is shown: exact CKKS decryptions carry encryption noise in their low bits,
 * and sharing those can reveal the secret key (IND-CPA-D; see Encoder.decodeRealPublic).
 */
public final class ValueDecryptor {

    private final CustodianKeys keys;
    private final Encoder encoder;
    private final Decryptor decryptor;
    private final CiphertextCodec codec;
    private final int logPrecision;

    public ValueDecryptor(CustodianKeys keys, int logPrecision) {
        this.keys = keys;
        this.encoder = new Encoder(keys.parameters());
        this.decryptor = new Decryptor(keys.secretKey());
        this.codec = new CiphertextCodec(keys.parameters());
        this.logPrecision = logPrecision;
    }

    /** The value in {@code slot} of {@code ciphertext}, made under {@code keySetId}. */
    public double decrypt(byte[] ciphertext, int slot, String keySetId, String what) {
        if (keySetId != null && !keySetId.equals(keys.keySetId())) {
            throw new CliException(ExitCode.KEY_FILE, what + " is encrypted under key set '" + keySetId
                    + "'; the key file holds key set '" + keys.keySetId() + "'");
        }
        Ciphertext parsed;
        try {
            parsed = codec.fromBytes(ciphertext);
        } catch (HeException e) {
            throw new CliException(ExitCode.FAILED, what + ": the ciphertext does not parse under the key file's parameters: "
                    + e.getMessage(), e);
        }
        double[] values = encoder.decodeRealPublic(decryptor.decrypt(parsed), logPrecision);
        if (slot < 0 || slot >= values.length) {
            throw new CliException(ExitCode.FAILED, what + ": slot " + slot + " is outside the ciphertext's " + values.length + " slots");
        }
        return values[slot];
    }
}
