package org.homocloud.server.encryption;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Set;
import org.homocloud.fhir.operations.LargeCiphertexts;
import org.homocloud.fhir.operations.async.AsyncJobs;
import org.homocloud.fhir.operations.async.AsyncOperationJob;
import org.homocloud.fhir.operations.async.AsyncOperationParameters;
import org.homocloud.fhir.operations.async.AsyncRequestInterceptor;
import org.homocloud.fhir.operations.async.AsyncResultStore;
import org.homocloud.fhir.operations.async.AsyncStatusProvider;
import org.homocloud.fhir.operations.async.JdbcAsyncResultStore;
import org.homocloud.fhir.operations.async.OperationInvoker;
import org.homocloud.fhir.operations.async.Requesters;
import org.homocloud.fhir.operations.async.RunOperationStep;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires {@code Prefer: respond-async} for {@code $encrypted-mean} and {@code $encrypted-regression} on HAPI's
 * Batch2 (whose job tables and workers {@code JpaBatch2Config} already provides): the job definition (picked up by
 * HAPI's job registry as a bean), the interceptor that turns such a request into a job, the status URL, the result
 * table, and the removal of expired jobs. Only with encryption on, where the operations exist.
 */
@Configuration
@ConditionalOnProperty(prefix = "homocloud.encryption", name = "enabled", havingValue = "true", matchIfMissing = true)
public class AsyncOperationConfig {

    /** The operations a client may run asynchronously. */
    static final Set<String> ASYNC_OPERATIONS = Set.of("$encrypted-mean", "$encrypted-regression");

    @Bean
    public AsyncResultStore asyncResultStore(
            @Qualifier("packingDataSource") HikariDataSource packingDataSource, FhirContext fhirContext) {
        return new JdbcAsyncResultStore(packingDataSource, fhirContext);
    }

    @Bean
    public JobDefinition<AsyncOperationParameters> asyncOperationJobDefinition(
            RestfulServer restfulServer,
            AsyncResultStore asyncResultStore,
            LargeCiphertexts largeCiphertexts,
            IJobPersistence jobPersistence,
            IHapiTransactionService transactionService,
            FhirContext fhirContext,
            AsyncProperties async) {
        RunOperationStep step = new RunOperationStep(new OperationInvoker(restfulServer), asyncResultStore,
                largeCiphertexts, jobPersistence, transactionService, fhirContext, async.unitPauseForTesting(), async.heartbeat());
        return AsyncOperationJob.definition(step);
    }

    @Bean
    public AsyncJobs asyncJobs(
            IJobCoordinator jobCoordinator,
            IJobMaintenanceService jobMaintenanceService,
            IJobPersistence jobPersistence,
            IHapiTransactionService transactionService,
            AsyncResultStore asyncResultStore,
            AsyncProperties async) {
        return new AsyncJobs(jobCoordinator, jobMaintenanceService, jobPersistence, transactionService,
                asyncResultStore, async.resultRetention());
    }

    @Bean
    public AsyncRequestInterceptor asyncRequestInterceptor(
            AsyncJobs asyncJobs, ObjectProvider<Requesters> requesters, FhirContext fhirContext,
            RestfulServer restfulServer) {
        AsyncRequestInterceptor interceptor = new AsyncRequestInterceptor(asyncJobs,
                requesters.getIfAvailable(() -> Requesters.ANONYMOUS), fhirContext, ASYNC_OPERATIONS);
        restfulServer.registerInterceptor(interceptor);
        return interceptor;
    }

    @Bean
    public AsyncStatusProvider asyncStatusProvider(
            AsyncJobs asyncJobs, AsyncResultStore asyncResultStore, ObjectProvider<Requesters> requesters,
            FhirContext fhirContext, RestfulServer restfulServer) {
        AsyncStatusProvider provider = new AsyncStatusProvider(asyncJobs, asyncResultStore,
                requesters.getIfAvailable(() -> Requesters.ANONYMOUS), fhirContext);
        restfulServer.registerProvider(provider);
        return provider;
    }

    @Bean(destroyMethod = "close")
    public AsyncJobCleanup asyncJobCleanup(AsyncJobs asyncJobs, JpaResultBinaries resultBinaries,
            AsyncProperties async) {
        return new AsyncJobCleanup(asyncJobs, resultBinaries, async);
    }
}
