package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Every match of a search the encrypted operations run as a system request, or a 422 beyond a maximum: never a
 * truncated answer. HAPI runs a search without a count asynchronously (getAllResources then fails past a few
 * hundred matches) or, when synchronous, stops at its internal limit of 10,000, while a synchronous search with a
 * count loads count + 1. So: synchronous, with a count one above the maximum, to tell a result that is too large
 * from one that fits. Synchronous searches are never served from HAPI's search cache, so a search right after a
 * write sees it.
 */
final class CompleteSearch {

    private CompleteSearch() {}

    /** @param tooMany the 422's message when more than {@code max} match */
    static <T extends IBaseResource> List<T> all(IFhirResourceDao<T> dao, SearchParameterMap map, int max,
            Class<T> type, String tooMany) {
        map.setLoadSynchronous(true);
        map.setCount(max + 1);
        IBundleProvider result = dao.search(map, new SystemRequestDetails());
        List<T> found = result.getResources(0, max + 1).stream().map(type::cast).toList();
        // HAPI leaves the size unknown when the count cut the result short.
        if (result.size() == null || found.size() > max) {
            throw new UnprocessableEntityException(tooMany);
        }
        return found;
    }
}
