package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.homocloud.fhir.operations.PatientRecords;

/**
 * Conditions and Patients for the regression operations, through HAPI's JPA storage as a system request
 * (as {@link JpaCohortSearch}): the operation is what is authorized, and these are plaintext records.
 */
final class JpaPatientRecords implements PatientRecords {

    /** Conditions one outcome may match: a patient can have several, and logistic cohorts fit in a ciphertext. */
    static final int MAX_CONDITIONS = 200_000;

    private static final int PAGE = 5_000;

    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrlService;

    JpaPatientRecords(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
    }

    @Override
    public Set<String> subjectsOfConditions(String query) {
        SearchParameterMap map;
        try {
            map = matchUrlService.translateMatchUrl("Condition?" + query,
                    daoRegistry.getFhirContext().getResourceDefinition("Condition"));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("the outcome's Condition search is not valid: " + e.getMessage());
        }
        // Every match, read page by page to the end, no cached search reused: as JpaCohortSearch, for its reasons
        // (a large search runs asynchronously; a Condition recorded a minute ago must count).
        SystemRequestDetails request = new SystemRequestDetails();
        request.addHeader(Constants.HEADER_CACHE_CONTROL, Constants.CACHE_CONTROL_NO_CACHE);
        IBundleProvider result = daoRegistry.getResourceDao(Condition.class).search(map, request);
        List<IBaseResource> conditions = new ArrayList<>();
        for (int from = 0; ; from += PAGE) {
            List<IBaseResource> resources = result.getResources(from, from + PAGE);
            if (resources.isEmpty()) {
                break;
            }
            conditions.addAll(resources);
            if (conditions.size() > MAX_CONDITIONS) {
                throw new UnprocessableEntityException("the outcome matches more than " + MAX_CONDITIONS
                        + " Conditions: narrow the code");
            }
        }
        Set<String> subjects = new LinkedHashSet<>();
        for (var resource : conditions) {
            Condition condition = (Condition) resource;
            if (condition.getSubject().hasReference()) {
                subjects.add(condition.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue());
            }
        }
        return subjects;
    }

    @Override
    public Optional<Patient> patient(String reference) {
        IdType id = new IdType(reference);
        if (!"Patient".equals(id.getResourceType()) || !id.hasIdPart()) {
            return Optional.empty();
        }
        try {
            return Optional.of(daoRegistry.getResourceDao(Patient.class).read(id.toUnqualifiedVersionless(),
                    new SystemRequestDetails()));
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return Optional.empty();
        }
    }
}
