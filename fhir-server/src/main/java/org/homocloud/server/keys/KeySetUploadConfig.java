package org.homocloud.server.keys;

import ca.uhn.fhir.rest.server.RestfulServer;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.keys.upload.KeySetUploadProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the key custodian's operations ({@code $upload-key-set}, {@code $key-set}) on the FHIR endpoint, over
 * the key-set registry that encrypted storage wires ({@code homocloud.encryption.enabled}, the same switch): without
 * encrypted storage there is no registry and no operation.
 */
@Configuration
@ConditionalOnProperty(prefix = "homocloud.encryption", name = "enabled", havingValue = "true", matchIfMissing = true)
public class KeySetUploadConfig {

    @Bean
    public KeySetUploadProvider keySetUploadProvider(KeySetRegistry keySetRegistry, RestfulServer restfulServer) {
        KeySetUploadProvider provider = new KeySetUploadProvider(keySetRegistry);
        restfulServer.registerProvider(provider);
        return provider;
    }
}
