package org.homocloud.server.auth;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * Stand-ins for the encrypted operations, with their names and levels, so the authorization of those names can
 * be tested on a server with encryption off (where the real operations are not registered). The aggregate
 * stand-in loads Observations with the caller's request, as the real one does, so internal loading is covered.
 */
public final class StubEncryptedOperations {

    private final DaoRegistry daos;

    public StubEncryptedOperations(DaoRegistry daos) {
        this.daos = daos;
    }

    @Operation(name = "$encrypted-value", idempotent = true, type = Observation.class)
    public Parameters encryptedValue(@IdParam IdType id) {
        return new Parameters().addParameter("observation", new StringType(id.getIdPart()));
    }

    @Operation(name = "$encrypted-mean", type = Observation.class)
    public Parameters encryptedMean(RequestDetails request) {
        IBundleProvider observations = daos.getResourceDao("Observation").search(new SearchParameterMap(), request);
        int count = observations.getResources(0, 1000).size();
        return new Parameters().addParameter("count", new IntegerType(count));
    }

    @Operation(name = "$encrypted-regression", type = Observation.class)
    public Parameters encryptedRegression() {
        return new Parameters().addParameter("count", new IntegerType(0));
    }

    @Operation(name = "$upload-key-set")
    public Parameters uploadKeySet() {
        return new Parameters().addParameter("keySet", new StringType("stub"));
    }

    @Operation(name = "$import-ciphertext")
    public Parameters importCiphertext() {
        return new Parameters().addParameter("group", new StringType("stub"));
    }
}
