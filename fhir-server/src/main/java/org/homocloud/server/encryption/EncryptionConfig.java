package org.homocloud.server.encryption;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.homocloud.fhir.ingest.EncryptedValueSearchInterceptor;
import org.homocloud.fhir.ingest.ObservationEncryptionInterceptor;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.server.storage.StorageProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires encrypted storage of Observation values from he-interceptors: the SQLite ciphertext store and the
 * key-set registry under the data directory, the ingest interceptor (on HAPI's JPA interceptor service, where
 * storage pointcuts fire) and the interceptor that refuses value searches (on the REST server). With
 * {@code homocloud.encryption.enabled=false} none of it exists and the server is a plain FHIR server.
 */
@Configuration
@ConditionalOnProperty(prefix = "homocloud.encryption", name = "enabled", havingValue = "true", matchIfMissing = true)
public class EncryptionConfig {

    @Bean(destroyMethod = "close")
    public CiphertextStore ciphertextStore(EncryptionProperties encryption, StorageProperties storage) {
        return new SqliteCiphertextStore(encryption.storeDirectory(storage.dataDir()));
    }

    @Bean
    public KeySetRegistry keySetRegistry(CiphertextStore ciphertextStore, EncryptionProperties encryption) {
        return encryption.allowInsecureParametersForTesting()
                ? KeySetRegistry.allowingInsecureParametersForTesting(ciphertextStore)
                : new KeySetRegistry(ciphertextStore);
    }

    @Bean
    public ObservationEncryptionInterceptor observationEncryptionInterceptor(
            KeySetRegistry keySetRegistry,
            CiphertextStore ciphertextStore,
            EncryptionProperties encryption,
            IInterceptorService interceptorService) {
        ObservationEncryptionInterceptor interceptor =
                new ObservationEncryptionInterceptor(keySetRegistry, ciphertextStore, encryption.keySetId());
        interceptorService.registerInterceptor(interceptor);
        return interceptor;
    }

    @Bean
    public EncryptedValueSearchInterceptor encryptedValueSearchInterceptor(RestfulServer restfulServer) {
        EncryptedValueSearchInterceptor interceptor = new EncryptedValueSearchInterceptor();
        restfulServer.registerInterceptor(interceptor);
        return interceptor;
    }
}
