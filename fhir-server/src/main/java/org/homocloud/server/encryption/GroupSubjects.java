package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;

/**
 * Reads {@code subject=Group/7} in a cohort search as "the Observations of Group/7's members" rather than FHIR's
 * literal "Observations about Group/7" (which a cohort never wants). The {@code subject} and {@code patient} clauses
 * that name a Group ({@code subject=Group/7}, {@code subject:Group=7}, OR'd with other references or not) are taken
 * out of the search and become one list of subject references: each clause's references with every Group replaced
 * by its current Patient members, and the clauses intersected, because they are ANDed and an Observation has one
 * subject. The cohort search then asks for those subjects, in chunks. (HAPI lets {@code patient=Group/7} through,
 * matching nothing, so it is read the same way.) Chained references ({@code subject:Group.name=x}) stay HAPI's.
 */
final class GroupSubjects {

    /** The Observation search parameters that hold Observation.subject. */
    private static final List<String> PARAMETERS = List.of("subject", "patient");

    private GroupSubjects() {}

    /** One clause (an OR list) of {@code parameter} that names at least one Group. */
    record Clause(String parameter, List<ReferenceParam> anyOf) {}

    /**
     * Removes from {@code map} every clause naming a Group and returns them in order; none when the search names
     * no Group, and {@code map} is then unchanged.
     */
    static List<Clause> take(SearchParameterMap map) {
        List<Clause> taken = new ArrayList<>();
        for (String parameter : PARAMETERS) {
            List<List<IQueryParameterType>> clauses = map.get(parameter);
            if (clauses == null) {
                continue;
            }
            List<List<IQueryParameterType>> kept = new ArrayList<>();
            for (List<IQueryParameterType> clause : clauses) {
                if (clause.stream().anyMatch(GroupSubjects::namesGroup)) {
                    taken.add(new Clause(parameter, clause.stream().map(ReferenceParam.class::cast).toList()));
                } else {
                    kept.add(clause);
                }
            }
            if (kept.isEmpty()) {
                map.remove(parameter);
            } else {
                map.put(parameter, kept);
            }
        }
        return taken;
    }

    /**
     * The subject references the clauses allow together, each once: an empty list means no Observation can match.
     * Every Group is expanded by {@code members}.
     */
    static List<String> references(List<Clause> clauses, GroupMembers members) {
        Set<String> allowed = null;
        for (Clause clause : clauses) {
            Set<String> anyOf = new LinkedHashSet<>();
            for (ReferenceParam reference : clause.anyOf()) {
                if (namesGroup(reference)) {
                    anyOf.addAll(members.patients(new IdType("Group", reference.getIdPart())));
                } else if (!reference.hasResourceType() && clause.parameter().equals("patient")) {
                    // patient=123 means Patient/123; under subject it would mean any type.
                    anyOf.add("Patient/" + reference.getIdPart());
                } else {
                    anyOf.add(reference.getValue());
                }
            }
            if (allowed == null) {
                allowed = anyOf;
            } else {
                allowed.retainAll(anyOf);
            }
        }
        return allowed == null ? List.of() : List.copyOf(allowed);
    }

    private static boolean namesGroup(IQueryParameterType parameter) {
        if (!(parameter instanceof ReferenceParam reference) || !"Group".equals(reference.getResourceType())
                || reference.hasChain() || reference.isMdmExpand() || Boolean.TRUE.equals(reference.getMissing())) {
            return false;
        }
        if (reference.getBaseUrl() != null && !reference.getBaseUrl().isEmpty()) {
            throw new InvalidRequestException("a cohort's Group must be on this server, written as a relative reference: "
                    + "subject=Group/" + reference.getIdPart() + " instead of " + reference.getValue());
        }
        return true;
    }
}
