package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.fhir.operations.CohortSearch;

/**
 * Runs a cohort's Observation search through HAPI's JPA storage, as a system request: the encrypted
 * operation itself has been authorized, and its minimum cohort size (not record-level rules) is what
 * protects individual values. Unknown or malformed search parameters are 400s, as in any search.
 */
final class JpaCohortSearch implements CohortSearch {

    /** The most Observations one operation reads; each comes back from the DAO as a resource, in memory. */
    static final int MAX_COHORT_OBSERVATIONS = 2_000_000;

    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrlService;

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
    }

    @Override
    public List<Observation> search(String query) {
        SearchParameterMap map;
        try {
            map = matchUrlService.translateMatchUrl("Observation?" + query,
                    daoRegistry.getFhirContext().getResourceDefinition("Observation"));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("the cohort search is not valid: " + e.getMessage());
        }
        // A cohort is every match, never a page: a plain search becomes asynchronous past a few thousand matches
        // (and getAllResources then fails), and a synchronous one stops at HAPI's internal limit of 10,000
        // unless told otherwise. One more than the maximum tells a cohort that is too large from one that fits.
        map.setLoadSynchronousUpTo(MAX_COHORT_OBSERVATIONS + 1);
        IBundleProvider result = daoRegistry.getResourceDao(Observation.class).search(map, new SystemRequestDetails());
        List<Observation> cohort = result.getAllResources().stream().map(Observation.class::cast).toList();
        if (cohort.size() > MAX_COHORT_OBSERVATIONS) {
            throw new UnprocessableEntityException("the cohort matches more than " + MAX_COHORT_OBSERVATIONS
                    + " Observations: narrow the search (for example by date) and combine the results");
        }
        return cohort;
    }
}
