package org.homocloud.testing.kms;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** Real AWS SDK v2 KMS clients pointed at a {@link FakeKms}, and the environment the command line needs for it. */
public final class FakeKmsClients {

    private FakeKmsClients() {
    }

    /** A client with the fake's test credentials. */
    public static KmsClient client(FakeKms fake) {
        return client(fake, AwsBasicCredentials.create(FakeKms.ACCESS_KEY_ID, FakeKms.SECRET_ACCESS_KEY));
    }

    /** A client signing with {@code credentials}, which the fake may or may not know. */
    public static KmsClient client(FakeKms fake, AwsCredentials credentials) {
        return KmsClient.builder()
                .endpointOverride(fake.endpoint())
                .region(Region.of(FakeKms.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    /** Environment variables under which {@code ./homocloud} reaches the fake with its test credentials. */
    public static Map<String, String> environment(FakeKms fake) {
        return Map.of(
                "HOMOCLOUD_KMS_ENDPOINT", fake.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", FakeKms.ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY", FakeKms.SECRET_ACCESS_KEY,
                "AWS_REGION", FakeKms.REGION);
    }
}
