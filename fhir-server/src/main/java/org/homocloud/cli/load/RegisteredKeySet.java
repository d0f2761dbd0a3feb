package org.homocloud.cli.load;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import org.homocloud.cli.ServerConnection;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.serialization.ParametersCodec;

/**
 * The server's active version of a key set (from {@code $key-set}), checked against the custodian's key file:
 * values encrypted under the secret key are imported under this version and decrypt only if both hold the
 * same parameters.
 *
 * @param version the active version number
 * @param parameters the version's registered parameters
 */
public record RegisteredKeySet(int version, CkksParameters parameters) {

    /** Fetches the active version of {@code keySetId} and checks its fingerprint against {@code expected}. */
    public static RegisteredKeySet active(ServerConnection connection, String keySetId, CkksParameters expected) {
        Parameters answer = connection.keySet(keySetId);
        int active = ((IntegerType) answer.getParameter("activeVersion").getValue()).getValue();
        for (Parameters.ParametersParameterComponent version : answer.getParameters("version")) {
            if (((IntegerType) part(version, "keySetVersion").getValue()).getValue() != active) {
                continue;
            }
            CkksParameters parameters;
            try {
                parameters = ParametersCodec.fromBytes(Base64.getDecoder().decode(part(version, "parameters").getValue().primitiveValue()));
            } catch (IllegalArgumentException e) { // HeException is one, and so is bad base64
                throw new CliException(ExitCode.SERVER_REFUSED, "the server's parameters of key set '" + keySetId
                        + "' do not parse: " + e.getMessage(), e);
            }
            if (!MessageDigest.isEqual(parameters.fingerprint(), expected.fingerprint())) {
                throw new CliException(ExitCode.FAILED, "key set '" + keySetId + "' version " + active + " on the server has "
                        + "parameters " + HexFormat.of().formatHex(parameters.fingerprint()) + "; the key file's are "
                        + HexFormat.of().formatHex(expected.fingerprint()) + " (upload this key set first: keys upload)");
            }
            return new RegisteredKeySet(active, parameters);
        }
        throw new CliException(ExitCode.SERVER_REFUSED, "the server's $key-set answer lacks active version " + active);
    }

    private static Parameters.ParametersParameterComponent part(Parameters.ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new CliException(ExitCode.SERVER_REFUSED, "the server's $key-set answer lacks part '" + name + "'"));
    }
}
