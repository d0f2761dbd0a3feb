package org.homocloud.cli.keys;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.homocloud.fhir.keys.upload.KeySetUploadFormat;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.StorageLevel;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeySet;
import org.homocloud.he.ckks.bootstrap.BootstrappingParameters;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.serialization.BootstrappingKeySetCodec;
import org.homocloud.he.serialization.EvaluationKeySetCodec;
import org.homocloud.he.serialization.LeveledEvaluationKeySetCodec;
import org.homocloud.he.serialization.ParametersCodec;
import org.homocloud.he.serialization.PublicKeyCodec;

/**
 * A key set's public material, derived from the secret key and written as one key-set upload file (see
 * {@link KeySetUploadFormat}): the public key, the relinearization key, and Galois keys for rotations by every
 * power of two in both directions and for conjugation (what the encrypted operations need).
 *
 * <p>Evaluation keys carry fresh randomness, so deriving them twice gives two different, equally valid sets.
 * The set is held whole while it is written (about 80 MB at logN 14; gigabytes at logN 16).
 */
public final class PublicMaterial {

    /** Where {@code keys create} puts the public material of key file {@code keyFile}: beside it, {@code .keyset}. */
    public static Path fileFor(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".keyset");
    }

    /** Galois elements of rotations by +-2^i (i = 0 .. logN-2) and of conjugation, ascending and distinct. */
    public static List<Long> galoisElements(CkksParameters parameters) {
        TreeSet<Long> elements = new TreeSet<>();
        for (int i = 0; i <= parameters.logN() - 2; i++) {
            elements.add(Rotations.galoisElement(parameters.logN(), 1 << i));
            elements.add(Rotations.galoisElement(parameters.logN(), -(1 << i)));
        }
        elements.add(Rotations.conjugationElement(parameters.logN()));
        return new ArrayList<>(elements);
    }

    /** What {@link #write} produced. */
    /** @param bootstrappingKeys keys in the bootstrapping key set (0 without one) */
    public record Written(Path file, long bytes, int galoisKeys, int bootstrappingKeys) {
    }

    private PublicMaterial() {
    }

    /**
     * Derives the public material of {@code secretKey} and writes it to {@code file} (through a temporary file
     * beside it, moved into place when complete, so a half-written file never looks like an upload).
     */
    public static Written write(Path file, CkksParameters parameters, SecretKey secretKey) throws IOException {
        return write(file, parameters, null, secretKey);
    }

    /**
     * As {@link #write(Path, CkksParameters, SecretKey)}; with {@code bootstrapping} (whose chain must be
     * {@code parameters}), also the bootstrapping key set (container version 2), streamed after the public key.
     */
    public static Written write(Path file, CkksParameters parameters, BootstrappingParameters bootstrapping,
            SecretKey secretKey) throws IOException {
        KeyGenerator generator = new KeyGenerator(parameters.rlwe());
        // A bootstrappable set's ordinary keys are used only up to the level after a bootstrap (plus one, as
        // training takes rows there) and the storage level: made that tall, in the leveled form (tag 11).
        int keyLevel = bootstrapping == null ? parameters.maxLevel()
                : Math.max(StorageLevel.of(parameters, KeySetEngine.MAX_MAGNITUDE), bootstrapping.levelsLeft() + 1);
        List<GaloisKey> galoisKeys = new ArrayList<>();
        for (long element : galoisElements(parameters)) {
            galoisKeys.add(generator.generateGaloisKey(secretKey, element, keyLevel));
        }
        EvaluationKeySet evaluationKeys = new EvaluationKeySet(generator.generateRelinearizationKey(secretKey, keyLevel),
                galoisKeys);
        byte[] publicKey = new PublicKeyCodec(parameters).toBytes(generator.generatePublicKey(secretKey));
        Path absolute = file.toAbsolutePath();
        int bootstrappingKeys = 0;
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                if (bootstrapping == null) {
                    KeySetUploadFormat.writeHead(out, ParametersCodec.toBytes(parameters), publicKey);
                } else {
                    // Generated, written and dropped before the evaluation keys: gigabytes at logN 16.
                    BootstrappingKeySet keys = BootstrappingKeySet.generate(bootstrapping, secretKey);
                    BootstrappingKeySetCodec codec = new BootstrappingKeySetCodec(parameters);
                    KeySetUploadFormat.writeHead(out, ParametersCodec.toBytes(parameters), publicKey, codec.size(keys));
                    codec.write(keys, out);
                    bootstrappingKeys = keys.keys().evaluationKeys().galoisKeys().size() + 3;
                }
                if (bootstrapping == null) {
                    new EvaluationKeySetCodec(parameters).write(evaluationKeys, out);
                } else {
                    new LeveledEvaluationKeySetCodec(parameters).write(evaluationKeys, out);
                }
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new Written(file, Files.size(file), galoisKeys.size(), bootstrappingKeys);
    }
}
