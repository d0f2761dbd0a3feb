package org.homocloud.cli.keys;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.homocloud.cli.CliEnvironment;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * Builds the AWS KMS client the command line wraps and opens key files with, from the command's flags and the
 * environment the command runs in ({@link CliEnvironment}, so tests give their own):
 *
 * <ul>
 *   <li>endpoint: {@code --kms-endpoint}, else {@code HOMOCLOUD_KMS_ENDPOINT}, {@code AWS_ENDPOINT_URL_KMS} or
 *       {@code AWS_ENDPOINT_URL}, else KMS's public endpoint for the region (a VPC endpoint or a test fake
 *       needs one of these);
 *   <li>region: {@code --kms-region}, else the region in the KMS key's ARN (a key file names its key by ARN), else
 *       {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}, else the SDK's default chain (profile, instance);
 *   <li>credentials: {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN})
 *       from the environment, else the SDK's default chain (profiles, SSO, container and instance roles).
 * </ul>
 */
public final class KmsClients {

    /** Endpoint override for the command line's KMS calls (a VPC endpoint, a test KMS). */
    public static final String ENDPOINT_VARIABLE = "HOMOCLOUD_KMS_ENDPOINT";

    private KmsClients() {
    }

    /**
     * A client for the KMS key {@code keyId} (an ARN gives the region), with {@code endpoint} and {@code region}
     * from flags when given (null otherwise).
     */
    public static KmsClient create(CliEnvironment environment, String keyId, String endpoint, String region) {
        Map<String, String> variables = environment.variables();
        KmsClientBuilder builder = KmsClient.builder()
                .region(region(variables, keyId, region))
                .credentialsProvider(credentials(variables));
        firstNonBlank(endpoint, variables.get(ENDPOINT_VARIABLE), variables.get("AWS_ENDPOINT_URL_KMS"),
                variables.get("AWS_ENDPOINT_URL")).ifPresent(url -> {
                    try {
                        builder.endpointOverride(URI.create(url));
                    } catch (IllegalArgumentException e) {
                        throw new CliException(ExitCode.FAILED, "the KMS endpoint " + url + " is not a URL: " + e.getMessage());
                    }
                });
        return builder.build();
    }

    /** The region a KMS key ARN ({@code arn:aws:kms:REGION:ACCOUNT:key/ID}) names, if {@code keyId} is one. */
    static Optional<String> regionOfArn(String keyId) {
        if (keyId == null || !keyId.startsWith("arn:")) {
            return Optional.empty();
        }
        String[] parts = keyId.split(":", 6);
        return parts.length == 6 && !parts[3].isEmpty() ? Optional.of(parts[3]) : Optional.empty();
    }

    private static Region region(Map<String, String> variables, String keyId, String flag) {
        Optional<String> chosen = firstNonBlank(flag).or(() -> regionOfArn(keyId))
                .or(() -> firstNonBlank(variables.get("AWS_REGION"), variables.get("AWS_DEFAULT_REGION")));
        if (chosen.isPresent()) {
            return Region.of(chosen.get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new CliException(ExitCode.FAILED, "no AWS region for KMS: give --kms-region, a key ARN, or set AWS_REGION");
        }
    }

    private static AwsCredentialsProvider credentials(Map<String, String> variables) {
        String accessKey = variables.get("AWS_ACCESS_KEY_ID");
        String secretKey = variables.get("AWS_SECRET_ACCESS_KEY");
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            return DefaultCredentialsProvider.create();
        }
        String sessionToken = variables.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(sessionToken == null || sessionToken.isBlank()
                ? AwsBasicCredentials.create(accessKey, secretKey)
                : AwsSessionCredentials.create(accessKey, secretKey, sessionToken));
    }

    private static Optional<String> firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
