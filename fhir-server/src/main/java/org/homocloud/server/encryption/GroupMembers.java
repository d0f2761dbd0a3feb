package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Period;

/**
 * The patients a Group stands for when it is a cohort: its current Patient members, with the members of nested
 * Groups included. A member counts unless it is {@code inactive} or now lies outside its {@code period}; members
 * of other types (Practitioner, Device, ...) are not patients and are left out. Groups are read as a system
 * request, like the cohort's Observations: the operation has been authorized, and it reveals only encrypted
 * statistics over at least the minimum number of patients.
 */
final class GroupMembers {

    private final DaoRegistry daoRegistry;

    GroupMembers(DaoRegistry daoRegistry) {
        this.daoRegistry = daoRegistry;
    }

    /**
     * {@code Patient/ID} references of the current members of {@code group} (a {@code Group/ID} reference on this
     * server), each once.
     *
     * @throws InvalidRequestException when the Group, or a Group nested in it, does not exist
     * @throws UnprocessableEntityException when a Group involved is definitional ({@code actual = false})
     */
    Set<String> patients(IIdType group) {
        Date now = new Date();
        Set<String> patients = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<IIdType> pending = new ArrayDeque<>();
        pending.add(group.toUnqualifiedVersionless());
        while (!pending.isEmpty()) {
            IIdType next = pending.removeFirst();
            // A Group that contains itself, directly or through others, is expanded once.
            if (!seen.add(next.getValue())) {
                continue;
            }
            for (Group.GroupMemberComponent member : read(next, group).getMember()) {
                if (!current(member, now)) {
                    continue;
                }
                IIdType entity = member.getEntity().getReferenceElement();
                // Absolute references name resources elsewhere; identifier-only references name no resource.
                if (entity.hasBaseUrl() || !entity.hasIdPart()) {
                    continue;
                }
                if ("Patient".equals(entity.getResourceType())) {
                    patients.add("Patient/" + entity.getIdPart());
                } else if ("Group".equals(entity.getResourceType())) {
                    pending.add(entity.toUnqualifiedVersionless());
                }
            }
        }
        return patients;
    }

    private Group read(IIdType id, IIdType cohort) {
        String within = id.getValue().equals(cohort.toUnqualifiedVersionless().getValue())
                ? "" : " (a member of " + cohort.toUnqualifiedVersionless().getValue() + ")";
        Group group;
        try {
            group = daoRegistry.getResourceDao(Group.class).read(new IdType(id.getValue()), new SystemRequestDetails());
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            throw new InvalidRequestException(id.getValue() + within + " is not known on this server: a cohort's "
                    + "subject=Group/ID must name an existing Group of patients");
        }
        if (group.hasActual() && !group.getActual()) {
            throw new UnprocessableEntityException(id.getValue() + within + " is definitional (actual = false): "
                    + "only an actual Group, one that lists its members, can be a cohort");
        }
        return group;
    }

    private static boolean current(Group.GroupMemberComponent member, Date now) {
        if (member.getInactive()) {
            return false;
        }
        Period period = member.getPeriod();
        return !(period.hasStart() && period.getStart().after(now)) && !(period.hasEnd() && period.getEnd().before(now));
    }
}
