package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.fhir.operations.CohortSearch;

/**
 * Runs a cohort's Observation search through HAPI's JPA storage, as a system request: the encrypted
 * operation itself has been authorized, and its minimum cohort size (not record-level rules) is what
 * protects individual values. Unknown or malformed search parameters are 400s, as in any search.
 *
 * <p>{@code subject=Group/ID} means the Group's members ({@link GroupSubjects}, {@link GroupMembers}). Their
 * references are searched {@link #CHUNK} at a time, so a Group of tens of thousands of patients does not become
 * one SQL IN list of that length; the chunks' results are disjoint (each Observation has one subject) and
 * together still stop at the maximum.
 */
final class JpaCohortSearch implements CohortSearch {

    /** The most Observations one operation reads; each comes back from the DAO as a resource, in memory. */
    static final int MAX_COHORT_OBSERVATIONS = 2_000_000;

    /** Subject references per search when a Group is expanded. */
    static final int CHUNK = 500;

    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrlService;
    private final GroupMembers groupMembers;
    private final int maxObservations;
    private final int chunk;

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        this(daoRegistry, matchUrlService, MAX_COHORT_OBSERVATIONS, CHUNK);
    }

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService, int maxObservations) {
        this(daoRegistry, matchUrlService, maxObservations, CHUNK);
    }

    JpaCohortSearch(DaoRegistry daoRegistry, MatchUrlService matchUrlService, int maxObservations, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("the chunk of subject references must be at least 1: " + chunk);
        }
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
        this.groupMembers = new GroupMembers(daoRegistry);
        this.maxObservations = maxObservations;
        this.chunk = chunk;
    }

    @Override
    public List<Observation> search(String query) {
        SearchParameterMap map = translate(query);
        List<GroupSubjects.Clause> groupClauses = GroupSubjects.take(map);
        if (groupClauses.isEmpty()) {
            return search(map, maxObservations);
        }
        List<String> subjects = GroupSubjects.references(groupClauses, groupMembers);
        List<Observation> found = new ArrayList<>();
        for (int from = 0; from < subjects.size(); from += chunk) {
            // Each search gets a map of its own: HAPI may change the map it runs.
            SearchParameterMap part = from == 0 ? map : translate(query);
            if (from > 0) {
                GroupSubjects.take(part);
            }
            ReferenceOrListParam anyOf = new ReferenceOrListParam();
            subjects.subList(from, Math.min(subjects.size(), from + chunk))
                    .forEach(subject -> anyOf.addOr(new ReferenceParam(subject)));
            part.add("subject", anyOf);
            found.addAll(search(part, maxObservations - found.size()));
        }
        return found;
    }

    private SearchParameterMap translate(String query) {
        try {
            return matchUrlService.translateMatchUrl("Observation?" + query,
                    daoRegistry.getFhirContext().getResourceDefinition("Observation"));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("the cohort search is not valid: " + e.getMessage());
        }
    }

    private List<Observation> search(SearchParameterMap map, int max) {
        return CompleteSearch.all(daoRegistry.getResourceDao(Observation.class), map, max,
                Observation.class, "the cohort matches more than " + maxObservations
                        + " Observations: narrow the search (for example by date) and combine the results");
    }
}
