package org.homocloud.server.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.homocloud.fhir.keys.upload.KeySetUploadFormat;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;

/** Key-set upload bodies (the HCKU container) as a custodian would send them, and broken variants. */
final class UploadBodies {

    private UploadBodies() {}

    /** Parameters, a public key made under {@code keyParameters}, a relinearization key and {@code rotations} Galois keys. */
    static byte[] container(CkksParameters parameters, CkksParameters keyParameters, int rotations) {
        KeyGenerator generator = new KeyGenerator(keyParameters.rlwe());
        SecretKey sk = generator.generateSecretKey();
        List<GaloisKey> galoisKeys = new ArrayList<>();
        for (int k = 1; k <= rotations; k++) {
            galoisKeys.add(generator.generateGaloisKey(sk, Rotations.galoisElement(keyParameters.logN(), k)));
        }
        galoisKeys.sort((a, b) -> Long.compare(a.galoisElement(), b.galoisElement()));
        EvaluationKeySet evaluationKeys = new EvaluationKeySet(generator.generateRelinearizationKey(sk), galoisKeys);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            KeySetUploadFormat.writeHead(out, ParametersCodec.toBytes(parameters),
                    new PublicKeyCodec(keyParameters).toBytes(generator.generatePublicKey(sk)));
            new EvaluationKeySetCodec(keyParameters).write(evaluationKeys, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
