package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
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

    private static final int DEFAULT_PAGE = 5_000;

    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrlService;

    private final int page;

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        this(daoRegistry, matchUrlService, DEFAULT_PAGE);
    }

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService, int page) {
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
        this.page = page;
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
        // A cohort is every match, so the result is read page by page to the end: HAPI runs a large search
        // asynchronously (getAllResources then fails), and a synchronous one stops at its internal limit of
        // 10,000. No cached search is reused: a cohort asked twice a minute apart must see what arrived between.
        SystemRequestDetails request = new SystemRequestDetails();
        request.addHeader(Constants.HEADER_CACHE_CONTROL, Constants.CACHE_CONTROL_NO_CACHE);
        IBundleProvider result = daoRegistry.getResourceDao(Observation.class).search(map, request);
        List<Observation> cohort = new ArrayList<>();
        for (int from = 0; ; from += page) {
            List<IBaseResource> resources = result.getResources(from, from + page);
            if (resources.isEmpty()) {
                break;
            }
            resources.forEach(resource -> cohort.add((Observation) resource));
            if (cohort.size() > MAX_COHORT_OBSERVATIONS) {
                throw new UnprocessableEntityException("the cohort matches more than " + MAX_COHORT_OBSERVATIONS
                        + " Observations: narrow the search (for example by date) and combine the results");
            }
        }
        return cohort;
    }
}
