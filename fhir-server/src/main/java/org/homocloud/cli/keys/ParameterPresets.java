package org.homocloud.cli.keys;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;

/**
 * The parameter sets {@code keys create --preset} offers, by name. A key file records only its parameters'
 * fingerprint, so the command line finds the parameters to open it with here, by that fingerprint.
 */
public final class ParameterPresets {

    /** The product's default: CkksPresets.logN14 (8192 slots, depth 5, scale 2^50). */
    public static final String DEFAULT = "logN14";

    private static final Map<String, Supplier<CkksParameters>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("logN12", CkksPresets::logN12);
        PRESETS.put("logN13", CkksPresets::logN13);
        PRESETS.put("logN14", CkksPresets::logN14);
        PRESETS.put("logN15", CkksPresets::logN15);
        PRESETS.put("logN16", CkksPresets::logN16);
        PRESETS.put("insecureForTestingLogN10", CkksPresets::insecureForTestingLogN10);
        PRESETS.put("insecureForTestingLogN12", CkksPresets::insecureForTestingLogN12);
    }

    private ParameterPresets() {
    }

    /** The preset named {@code name}; the message lists the names when there is none. */
    public static CkksParameters named(String name) {
        Supplier<CkksParameters> preset = PRESETS.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; expected one of " + String.join(", ", PRESETS.keySet()));
        }
        return preset.get();
    }

    /** The preset whose parameters have {@code fingerprint}, if any; bootstrapping presets' chains included. */
    public static Optional<CkksParameters> withFingerprint(byte[] fingerprint) {
        for (Supplier<CkksParameters> preset : PRESETS.values()) {
            CkksParameters parameters = preset.get();
            if (MessageDigest.isEqual(parameters.fingerprint(), fingerprint)) {
                return Optional.of(parameters);
            }
        }
        return BootstrappingPresetNames.withFingerprint(fingerprint).map(b -> b.ckks());
    }
}
