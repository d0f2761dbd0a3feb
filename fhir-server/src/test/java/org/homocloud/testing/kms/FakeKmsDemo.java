package org.homocloud.testing.kms;

import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Runs a {@link FakeKms} for a manual demo of key escrow and KMS token signing, until Ctrl-C: makes a symmetric
 * key ({@code alias/homocloud-escrow-demo}) and an ECC_NIST_P384 signing key ({@code alias/homocloud-signing-demo})
 * and prints the environment and commands that use them. Keys live in memory: a key file wrapped by one run of
 * the fake does not open in the next. For demos only; it is test code and ships in no jar.
 */
public final class FakeKmsDemo {

    private FakeKmsDemo() {
    }

    public static void main(String[] args) throws InterruptedException {
        FakeKms fake = FakeKms.start();
        String signingArn;
        try (KmsClient kms = FakeKmsClients.client(fake)) {
            String escrow = kms.createKey(r -> r.description("homocloud escrow demo")).keyMetadata().arn();
            kms.createAlias(r -> r.aliasName("alias/homocloud-escrow-demo").targetKeyId(escrow));
            signingArn = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P384).keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("homocloud token signing demo")).keyMetadata().arn();
            kms.createAlias(r -> r.aliasName("alias/homocloud-signing-demo").targetKeyId(signingArn));
        }
        System.out.printf("""
                fake AWS KMS (loopback, in memory, NOT a real KMS) listening at %1$s
                  export HOMOCLOUD_KMS_ENDPOINT=%1$s AWS_REGION=%2$s AWS_ACCESS_KEY_ID=%3$s AWS_SECRET_ACCESS_KEY=%4$s
                  ./homocloud serve --homocloud.security.signing.kms-key-id=%5$s --homocloud.security.signing.kms-endpoint=%1$s
                  ./homocloud keys create --key demo.key --kms-key-id alias/homocloud-escrow-demo --upload
                  ./homocloud decrypt --key demo.key Observation/ID
                Ctrl-C stops it; calls so far are printed on exit.
                """, fake.endpoint(), FakeKms.REGION, FakeKms.ACCESS_KEY_ID, FakeKms.SECRET_ACCESS_KEY, signingArn);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("KMS calls: " + fake.calls());
            fake.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
