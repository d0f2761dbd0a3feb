package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
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
    private final int maxObservations;

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        this(daoRegistry, matchUrlService, MAX_COHORT_OBSERVATIONS);
    }

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService, int maxObservations) {
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
        this.maxObservations = maxObservations;
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
        return CompleteSearch.all(daoRegistry.getResourceDao(Observation.class), map, maxObservations,
                Observation.class, "the cohort matches more than " + maxObservations
                        + " Observations: narrow the search (for example by date) and combine the results");
    }
}
