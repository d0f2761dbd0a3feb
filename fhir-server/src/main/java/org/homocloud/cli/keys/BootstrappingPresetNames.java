package org.homocloud.cli.keys;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.homocloud.he.ckks.bootstrap.BootstrappingParameters;
import org.homocloud.he.ckks.bootstrap.BootstrappingPresets;

/**
 * The bootstrapping parameter sets {@code keys create --bootstrapping} offers, by name: a bootstrappable key
 * set is made under the chain of one of these (its CKKS parameters replace {@code --preset}), and is found
 * again by its parameters' fingerprint when the key file is opened.
 */
public final class BootstrappingPresetNames {

    /** The secure default: logN 16, 32768 slots, 9 levels left after bootstrapping, 128-bit. */
    public static final String DEFAULT = "logN16";

    private static final Map<String, Supplier<BootstrappingParameters>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("logN16", BootstrappingPresets::logN16);
        // INSECURE, for tests only: logN 12 with five levels left (one logistic iteration needs five).
        PRESETS.put("insecureForTestingLogN12", BootstrappingPresets::insecureForTestingLogN12FiveLevels);
    }

    private BootstrappingPresetNames() {
    }

    /** The bootstrapping preset named {@code name}; the message lists the names when there is none. */
    public static BootstrappingParameters named(String name) {
        Supplier<BootstrappingParameters> preset = PRESETS.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("unknown bootstrapping preset '" + name + "'; expected one of "
                    + String.join(", ", PRESETS.keySet()));
        }
        return preset.get();
    }

    /** The bootstrapping preset whose chain has {@code fingerprint}, if any. */
    public static Optional<BootstrappingParameters> withFingerprint(byte[] fingerprint) {
        for (Supplier<BootstrappingParameters> preset : PRESETS.values()) {
            BootstrappingParameters parameters = preset.get();
            if (MessageDigest.isEqual(parameters.ckks().fingerprint(), fingerprint)) {
                return Optional.of(parameters);
            }
        }
        return Optional.empty();
    }
}
