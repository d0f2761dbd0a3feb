package org.homocloud.server.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.homocloud.server.support.ServerTestBase;
import org.homocloud.server.support.TestResources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A cohort is every matching Observation up to the maximum, refused beyond it (never cut short), and never an
 * old cached search. (Past HAPI's own synchronous limit of 10,000: {@code ./bench mean} checks the count.)
 * {@code subject=Group/ID} is the Group's current Patient members.
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

    @Test
    void subjectGroup_isItsCurrentPatientMembers_nestedGroupsIncluded_othersLeftOut() {
        IGenericClient client = client();
        List<String> p = patientsWithWeights(client, 8);
        Group nested = actualGroup(p.get(4));
        nested.addMember().getEntity().setReference(p.get(5));
        String nestedId = create(client, nested);
        Group group = actualGroup(p.get(0), p.get(1));
        group.addMember().setInactive(true).getEntity().setReference(p.get(2));
        group.addMember().setPeriod(new org.hl7.fhir.r4.model.Period().setEnd(new DateTimeType("2020-01-01").getValue()))
                .getEntity().setReference(p.get(3));
        group.addMember().getEntity().setReference(nestedId);
        group.addMember().getEntity().setReference(client.create().resource(new org.hl7.fhir.r4.model.Practitioner())
                .execute().getId().toUnqualifiedVersionless().getValue());
        String groupId = create(client, group);
        // A cycle: the nested Group also lists the outer one.
        nested.setId(nestedId);
        nested.addMember().getEntity().setReference(groupId);
        client.update().resource(nested).execute();
        JpaCohortSearch search = new JpaCohortSearch(daoRegistry, matchUrlService);

        assertThat(subjects(search.search("subject=" + groupId)))
                .as("members, not inactive (2) or past (3) ones, nested members (4, 5) included")
                .containsExactlyInAnyOrder(p.get(0), p.get(1), p.get(4), p.get(5));
        assertThat(subjects(search.search("subject:Group=" + new IdType(groupId).getIdPart())))
                .containsExactlyInAnyOrder(p.get(0), p.get(1), p.get(4), p.get(5));
        assertThat(subjects(search.search("subject=" + groupId + "," + p.get(6))))
                .as("OR'd with a patient").containsExactlyInAnyOrder(p.get(0), p.get(1), p.get(4), p.get(5), p.get(6));
        assertThat(subjects(search.search("patient=" + groupId)))
                .as("patient=Group/ID too").containsExactlyInAnyOrder(p.get(0), p.get(1), p.get(4), p.get(5));
        String other = create(client, actualGroup(p.get(0), p.get(4), p.get(6)));
        assertThat(subjects(search.search("subject=" + groupId + "&subject=" + other)))
                .as("ANDed Groups: patients in both").containsExactlyInAnyOrder(p.get(0), p.get(4));
        assertThat(subjects(search.search("subject=" + groupId + "&patient=" + p.get(1) + "," + p.get(7))))
                .as("a Group ANDed with patients").containsExactly(p.get(1));
        assertThat(search.search("subject=" + create(client, actualGroup()))).as("a Group without members").isEmpty();
        assertThat(search.search("subject=" + groupId + "&subject=" + create(client, actualGroup(p.get(7)))))
                .as("disjoint ANDed Groups").isEmpty();
    }

    @Test
    void aLargeGroup_searchedInChunks_givesTheSameCohort_andStillStopsAtTheMaximum() {
        IGenericClient client = client();
        List<String> p = patientsWithWeights(client, 11);
        String groupId = create(client, actualGroup(p.subList(0, 10).toArray(String[]::new)));
        String query = "subject=" + groupId + "," + p.get(10);

        List<String> whole = subjects(new JpaCohortSearch(daoRegistry, matchUrlService, 100, 500).search(query));
        List<String> chunked = subjects(new JpaCohortSearch(daoRegistry, matchUrlService, 100, 3).search(query));

        assertThat(whole).hasSize(11).containsExactlyInAnyOrderElementsOf(p);
        assertThat(chunked).hasSize(11).containsExactlyInAnyOrderElementsOf(whole);
        assertThat(new JpaCohortSearch(daoRegistry, matchUrlService, 11, 3).search(query)).hasSize(11);
        assertThatThrownBy(() -> new JpaCohortSearch(daoRegistry, matchUrlService, 10, 3).search(query))
                .as("the maximum counts every chunk").isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("the cohort matches more than 10 Observations");
    }

    @Test
    void aDefinitionalGroup_is422_anUnknownOrRemoteGroup_is400() {
        IGenericClient client = client();
        Group definitional = actualGroup().setActual(false);
        String definitionalId = create(client, definitional);
        JpaCohortSearch search = new JpaCohortSearch(daoRegistry, matchUrlService);

        assertThatThrownBy(() -> search.search("subject=" + definitionalId))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining(definitionalId + " is definitional (actual = false): only an actual Group");
        assertThatThrownBy(() -> search.search("subject=Group/no-such-group"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Group/no-such-group is not known on this server");
        assertThatThrownBy(() -> search.search("subject=" + URLEncoder.encode("http://elsewhere.example/fhir/Group/7",
                        StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("subject=Group/7 instead of http://elsewhere.example/fhir/Group/7");
    }

    /** Patients with one weight each; their {@code Patient/ID} references in order. */
    private static List<String> patientsWithWeights(IGenericClient client, int count) {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < count; i++) {
            String reference = "urn:uuid:" + TestResources.uniqueValue();
            transaction.addEntry().setFullUrl(reference).setResource(TestResources.patient(TestResources.uniqueValue()))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            transaction.addEntry().setResource(TestResources.weight(reference, 60 + i, "2024-03-01"))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        Bundle response = client.transaction().withBundle(transaction).execute();
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            patients.add(new IdType(response.getEntry().get(2 * i).getResponse().getLocation())
                    .toUnqualifiedVersionless().getValue());
        }
        return patients;
    }

    private static Group actualGroup(String... members) {
        Group group = new Group().setActual(true).setType(Group.GroupType.PERSON);
        Arrays.stream(members).forEach(member -> group.addMember().getEntity().setReference(member));
        return group;
    }

    private static String create(IGenericClient client, Group group) {
        return client.create().resource(group).execute().getId().toUnqualifiedVersionless().getValue();
    }

    private static List<String> subjects(List<Observation> observations) {
        return observations.stream().map(o -> o.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue())
                .toList();
    }
}
