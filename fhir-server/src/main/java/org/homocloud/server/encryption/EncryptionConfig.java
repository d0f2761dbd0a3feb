package org.homocloud.server.encryption;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.jpa.dao.expunge.ExpungeService;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.fhir.ingest.CodeUnitRegistry;
import org.homocloud.fhir.ingest.EncryptedValueSearchInterceptor;
import org.homocloud.fhir.ingest.ObservationEncryptionInterceptor;
import org.homocloud.fhir.keys.KeySetRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import org.homocloud.fhir.operations.CiphertextImportProvider;
import org.homocloud.fhir.operations.CohortSearch;
import org.homocloud.fhir.operations.EncryptedMeanProvider;
import org.homocloud.fhir.operations.EncryptedRegressionProvider;
import org.homocloud.fhir.operations.EncryptedValueProvider;
import org.homocloud.fhir.operations.LargeCiphertexts;
import org.homocloud.fhir.operations.LargeResultInterceptor;
import org.homocloud.fhir.operations.async.Requesters;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackedValueReader;
import org.homocloud.fhir.packing.PackedValueWriter;
import org.homocloud.fhir.packing.PackingIndex;
import org.homocloud.fhir.packing.Repacker;
import org.homocloud.fhir.packing.SlotAllocator;
import org.homocloud.fhir.store.CiphertextStore;
import org.homocloud.fhir.store.SqliteCiphertextStore;
import org.homocloud.server.storage.StorageProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires encrypted storage of Observation values from he-interceptors: the SQLite ciphertext store and the
 * key-set registry under the data directory, the packing index in the server's database, the ingest
 * interceptor (on HAPI's JPA interceptor service, where storage pointcuts fire), the operations
 * {@code $encrypted-value}, {@code $import-ciphertext} and the encrypted statistics (whose large result
 * ciphertexts become Binary references), and the interceptor that refuses value searches.
 * With {@code homocloud.encryption.enabled=false} none of it exists and the server is a plain FHIR server.
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

    /**
     * A small pool of its own on HAPI's database: the packing index writes with auto-commit while a HAPI
     * transaction holds one of HAPI's connections, so sharing HAPI's pool could exhaust it under load.
     */
    @Bean(destroyMethod = "close")
    public HikariDataSource packingDataSource(DataSource dataSource) {
        HikariDataSource hapi = (HikariDataSource) dataSource;
        HikariConfig config = new HikariConfig();
        config.setPoolName("packing");
        config.setDriverClassName(hapi.getDriverClassName());
        config.setJdbcUrl(hapi.getJdbcUrl());
        config.setUsername(hapi.getUsername());
        config.setPassword(hapi.getPassword());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    @Bean
    public PackingIndex packingIndex(@Qualifier("packingDataSource") HikariDataSource packingDataSource) {
        return new PackingIndex(packingDataSource);
    }

    @Bean
    public CodeUnitRegistry codeUnitRegistry(@Qualifier("packingDataSource") HikariDataSource packingDataSource) {
        return new CodeUnitRegistry(packingDataSource);
    }

    @Bean
    public KeySetEngines keySetEngines(KeySetRegistry keySetRegistry) {
        return new KeySetEngines(keySetRegistry);
    }

    @Bean
    public PackedValueWriter packedValueWriter(PackingIndex packingIndex, CiphertextStore ciphertextStore) {
        return new PackedValueWriter(new SlotAllocator(packingIndex), packingIndex, ciphertextStore);
    }

    @Bean
    public Repacker repacker(PackingIndex packingIndex, CiphertextStore ciphertextStore, KeySetEngines keySetEngines) {
        return new Repacker(packingIndex, ciphertextStore, keySetEngines);
    }

    @Bean(destroyMethod = "close")
    public RepackScheduler repackScheduler(Repacker repacker, EncryptionProperties encryption) {
        return new RepackScheduler(repacker, encryption.repackInterval());
    }

    @Bean
    public ObservationEncryptionInterceptor observationEncryptionInterceptor(
            KeySetEngines keySetEngines,
            PackedValueWriter packedValueWriter,
            PackingIndex packingIndex,
            CodeUnitRegistry codeUnitRegistry,
            EncryptionProperties encryption,
            IInterceptorService interceptorService) {
        ObservationEncryptionInterceptor interceptor = new ObservationEncryptionInterceptor(keySetEngines,
                packedValueWriter, packingIndex, codeUnitRegistry, encryption.keySetId(),
                encryption.plaintextIngest(), encryption.strippedElements());
        interceptorService.registerInterceptor(interceptor);
        return interceptor;
    }

    @Bean
    public PackedValueReader packedValueReader(
            PackingIndex packingIndex, CiphertextStore ciphertextStore, KeySetEngines keySetEngines) {
        return new PackedValueReader(packingIndex, ciphertextStore, keySetEngines);
    }

    @Bean
    public CohortSearch cohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        return new JpaCohortSearch(daoRegistry, matchUrlService);
    }

    @Bean
    public EncryptedValueProvider encryptedValueProvider(
            DaoRegistry daoRegistry,
            PackedValueReader packedValueReader,
            KeySetEngines keySetEngines,
            RestfulServer restfulServer) {
        EncryptedValueProvider provider = new EncryptedValueProvider(
                (id, request) -> (Observation) daoRegistry.getResourceDao(Observation.class).read(id, request),
                packedValueReader,
                keySetEngines);
        restfulServer.registerProvider(provider);
        return provider;
    }

    @Bean
    public CiphertextImportProvider ciphertextImportProvider(
            KeySetEngines keySetEngines,
            PackingIndex packingIndex,
            CiphertextStore ciphertextStore,
            RestfulServer restfulServer) {
        CiphertextImportProvider provider = new CiphertextImportProvider(keySetEngines, packingIndex, ciphertextStore);
        restfulServer.registerProvider(provider);
        return provider;
    }

    @Bean
    public EncryptedMeanProvider encryptedMeanProvider(
            CohortSearch cohortSearch,
            PackedValueReader packedValueReader,
            KeySetEngines keySetEngines,
            EncryptionProperties encryption,
            RestfulServer restfulServer) {
        EncryptedMeanProvider provider = new EncryptedMeanProvider(cohortSearch, packedValueReader, keySetEngines, encryption.minCohortSize());
        restfulServer.registerProvider(provider);
        return provider;
    }

    @Bean
    public EncryptedRegressionProvider encryptedRegressionProvider(
            CohortSearch cohortSearch,
            DaoRegistry daoRegistry,
            MatchUrlService matchUrlService,
            PackedValueReader packedValueReader,
            KeySetEngines keySetEngines,
            EncryptionProperties encryption,
            RestfulServer restfulServer) {
        EncryptedRegressionProvider provider = new EncryptedRegressionProvider(cohortSearch, packedValueReader, keySetEngines,
                encryption.minCohortSize(), new JpaPatientRecords(daoRegistry, matchUrlService));
        restfulServer.registerProvider(provider);
        return provider;
    }

    @Bean
    public EncryptedValueSearchInterceptor encryptedValueSearchInterceptor(RestfulServer restfulServer) {
        EncryptedValueSearchInterceptor interceptor = new EncryptedValueSearchInterceptor();
        restfulServer.registerInterceptor(interceptor);
        return interceptor;
    }

    @Bean
    public EncryptedValueDefinitionPublisher encryptedValueDefinitionPublisher(DaoRegistry daoRegistry) {
        return new EncryptedValueDefinitionPublisher(daoRegistry);
    }

    @Bean
    public JpaResultBinaries resultBinaries(DaoRegistry daoRegistry, IIdHelperService<?> idHelperService,
            ExpungeService expungeService) {
        return new JpaResultBinaries(daoRegistry, idHelperService, expungeService);
    }

    @Bean
    public LargeCiphertexts largeCiphertexts(JpaResultBinaries resultBinaries, EncryptionProperties encryption) {
        return new LargeCiphertexts(resultBinaries, encryption.inlineResultLimit().toBytes());
    }

    @Bean
    public LargeResultInterceptor largeResultInterceptor(LargeCiphertexts largeCiphertexts,
            ObjectProvider<Requesters> requesters, RestfulServer restfulServer) {
        LargeResultInterceptor interceptor = new LargeResultInterceptor(largeCiphertexts,
                requesters.getIfAvailable(() -> Requesters.ANONYMOUS), AsyncOperationConfig.ASYNC_OPERATIONS);
        restfulServer.registerInterceptor(interceptor);
        return interceptor;
    }
}
