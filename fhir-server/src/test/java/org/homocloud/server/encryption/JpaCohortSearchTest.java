package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A cohort is every matching Observation up to the maximum, refused beyond it (never cut short), and never an
 * old cached search. (Past HAPI's own synchronous limit of 10,000: {@code ./bench mean} checks the count.)
 */
class JpaCohortSearchTest extends ServerTestBase {

    @Autowired
    DaoRegistry daoRegistry;

    @Autowired
    MatchUrlService matchUrlService;

    @Test
    void wholeCohortUpToTheMaximum_refusedBeyondIt_andASecondSearchSeesNewValues() {
        IGenericClient client = client();
        String patient = "Patient/" + client.create().resource(TestResources.patient(TestResources.uniqueValue()))
                .execute().getId().getIdPart();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < 23; i++) {
            transaction.addEntry().setResource(TestResources.weight(patient, 60 + i, "2024-02-01")).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        client.transaction().withBundle(transaction).execute();
        JpaCohortSearch search = new JpaCohortSearch(daoRegistry, matchUrlService, 23);
        String query = "patient=" + URLEncoder.encode(patient, StandardCharsets.UTF_8);

        List<Observation> first = search.search(query);
        client.create().resource(TestResources.weight(patient, 99, "2024-02-02")).execute();

        Set<String> ids = first.stream().map(o -> o.getIdElement().getIdPart()).collect(Collectors.toSet());
        assertThat(first).hasSize(23);
        assertThat(ids).hasSize(23);
        assertThat(new JpaCohortSearch(daoRegistry, matchUrlService, 30).search(query))
                .as("the search right after a write sees it").hasSize(24);
        assertThatThrownBy(() -> search.search(query)).isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("the cohort matches more than 23 Observations");
    }
}
