package org.homocloud.server.fhir;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.jpa.api.IDaoRegistry;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.ResourceCountCacheUtil;
import ca.uhn.fhir.jpa.dao.FulltextSearchSvcImpl;
import ca.uhn.fhir.jpa.dao.IFulltextSearchSvc;
import ca.uhn.fhir.jpa.dao.search.HSearchSortHelperImpl;
import ca.uhn.fhir.jpa.dao.search.IHSearchSortHelper;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.search.IStaleSearchDeletingSvc;
import ca.uhn.fhir.jpa.search.StaleSearchDeletingSvcImpl;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.util.ResourceCountCache;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * HAPI's JPA storage for R4: the DAOs, search, paging and batch jobs, with the settings this server runs on.
 *
 * <p>Left out on purpose, because they slow start-up and nothing here uses them: subscription matching and delivery,
 * terminology loading, package installation, Hibernate Search, MDM and clinical reasoning.
 */
@Configuration
@Import({
    JpaR4Config.class,
    JpaBatch2Config.class,
    Batch2JobsConfig.class,
    // In-memory message channels: batch2 (reindex, bulk jobs) passes work notifications over them.
    SubscriptionChannelConfig.class,
    ThreadPoolFactoryConfig.class
})
public class JpaStorageConfig {

    @Bean
    public JpaStorageSettings storageSettings(FhirServerProperties server) {
        JpaStorageSettings settings = new JpaStorageSettings();
        settings.setFetchSizeDefaultMaximum(server.maxPageSize());
        // References to resources this server does not hold are errors, as an EHR would expect.
        settings.setAllowExternalReferences(false);
        settings.setAutoCreatePlaceholderReferenceTargets(false);
        settings.setEnforceReferentialIntegrityOnWrite(true);
        settings.setDeleteExpungeEnabled(false);
        settings.setExpungeEnabled(false);
        // HAPI would answer a repeated search from a cache for a minute; an EHR that writes and then
        // searches expects to see its own writes, so every search runs against the database.
        settings.setReuseCachedSearchResultsForMillis(null);
        // Batch2 starts a new job's work on its next maintenance pass, once a minute, unless asked for one now;
        // asynchronous encrypted operations (Prefer: respond-async) ask, and a client should not wait a minute.
        settings.setJobFastTrackingEnabled(true);
        return settings;
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean
    public SubscriptionSettings subscriptionSettings() {
        return new SubscriptionSettings();
    }

    @Bean
    public DatabaseBackedPagingProvider pagingProvider(FhirServerProperties server) {
        DatabaseBackedPagingProvider provider = new DatabaseBackedPagingProvider();
        provider.setDefaultPageSize(server.defaultPageSize());
        provider.setMaximumPageSize(server.maxPageSize());
        return provider;
    }

    @Bean
    public IFulltextSearchSvc fulltextSearchSvc() {
        return new FulltextSearchSvcImpl();
    }

    @Bean
    public IHSearchSortHelper hSearchSortHelper(ISearchParamRegistry searchParamRegistry) {
        return new HSearchSortHelperImpl(searchParamRegistry);
    }

    @Bean
    public IStaleSearchDeletingSvc staleSearchDeletingSvc() {
        return new StaleSearchDeletingSvcImpl();
    }

    @Bean
    public IResourceSupportedSvc resourceSupportedSvc(IDaoRegistry daoRegistry) {
        return new DaoRegistryResourceSupportedSvc(daoRegistry);
    }

    @Bean(name = "myResourceCountsCache")
    public ResourceCountCache resourceCountsCache(IFhirSystemDao<?, ?> systemDao) {
        return ResourceCountCacheUtil.newResourceCountCache(systemDao);
    }

    @Bean
    public IBinaryStorageSvc binaryStorageSvc() {
        return new DatabaseBinaryContentStorageSvcImpl();
    }
}
