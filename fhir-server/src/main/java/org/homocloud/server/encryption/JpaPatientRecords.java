package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
        List<Condition> conditions = CompleteSearch.all(daoRegistry.getResourceDao(Condition.class), map,
                MAX_CONDITIONS, Condition.class, "the outcome matches more than " + MAX_CONDITIONS + " Conditions: narrow the code");
        Set<String> subjects = new LinkedHashSet<>();
        for (Condition condition : conditions) {
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
