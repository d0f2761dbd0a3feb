package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.homocloud.fhir.ingest.EncryptedValueDefinition;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Publishes the encrypted-value extension's StructureDefinition as {@code StructureDefinition/encrypted-value}
 * once the server is up, so clients can resolve the extension URL on this server. Written only when missing
 * or different, so restarts add no versions.
 */
public final class EncryptedValueDefinitionPublisher implements ApplicationListener<ApplicationReadyEvent> {

    private final DaoRegistry daoRegistry;

    public EncryptedValueDefinitionPublisher(DaoRegistry daoRegistry) {
        this.daoRegistry = daoRegistry;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        StructureDefinition definition = EncryptedValueDefinition.load(daoRegistry.getFhirContext());
        var dao = daoRegistry.getResourceDao(StructureDefinition.class);
        dao.update(definition, new SystemRequestDetails());
    }
}
