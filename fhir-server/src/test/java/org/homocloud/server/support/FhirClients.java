package org.homocloud.server.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;

/** HAPI generic clients configured as an EHR would use them against this server. */
public final class FhirClients {

    private static final FhirContext CONTEXT = createContext();

    private FhirClients() {}

    public static FhirContext context() {
        return CONTEXT;
    }

    public static IGenericClient client(String baseUrl) {
        return CONTEXT.newRestfulGenericClient(baseUrl);
    }

    private static FhirContext createContext() {
        FhirContext context = FhirContext.forR4();
        // The CapabilityStatement is large; fetching it before every first request only slows the tests.
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        // Synthea transaction bundles take a while to commit on two cores.
        context.getRestfulClientFactory().setSocketTimeout(10 * 60 * 1000);
        context.getRestfulClientFactory().setPoolMaxTotal(32);
        context.getRestfulClientFactory().setPoolMaxPerRoute(32);
        return context;
    }
}
