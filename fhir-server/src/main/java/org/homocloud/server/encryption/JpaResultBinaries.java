package org.homocloud.server.encryption;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.ExpungeOptions;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.jpa.dao.expunge.ExpungeService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Binary;
import org.homocloud.fhir.operations.ResultBinaries;

/**
 * Result ciphertexts as FHIR Binary resources in HAPI's JPA storage (so every server sharing the database serves
 * them), tagged as results and with their owner's digest, created and removed as system requests. Removal is
 * real: deleted, then expunged through HAPI's expunge service (every version gone), while the {@code $expunge}
 * operation stays disabled for clients.
 */
public final class JpaResultBinaries implements ResultBinaries {

    /** How many expired results one cleanup round removes; the next round takes the rest. */
    static final int REMOVALS_PER_ROUND = 1_000;

    private final IFhirResourceDao<Binary> binaries;
    private final IIdHelperService<?> ids;
    private final ExpungeService expunge;

    JpaResultBinaries(DaoRegistry daoRegistry, IIdHelperService<?> ids, ExpungeService expunge) {
        this.binaries = daoRegistry.getResourceDao(Binary.class);
        this.ids = ids;
        this.expunge = expunge;
    }

    @Override
    public String store(byte[] ciphertext, String owner) {
        Binary binary = new Binary().setContentType(CONTENT_TYPE).setData(ciphertext);
        binary.getMeta().addTag(RESULT_TAG_SYSTEM, RESULT_CODE, "result of an encrypted operation");
        binary.getMeta().addTag(OWNER_TAG_SYSTEM, ResultBinaries.ownerCode(owner), null);
        return binaries.create(binary, new SystemRequestDetails()).getId().toUnqualifiedVersionless().getValue();
    }

    /**
     * Removes result Binaries last written before {@code cutoff}, every version of them.
     *
     * @return how many were removed
     */
    public int removeOlderThan(Instant cutoff) {
        SearchParameterMap map = new SearchParameterMap();
        map.add("_tag", new TokenParam(RESULT_TAG_SYSTEM, RESULT_CODE));
        map.setLastUpdated(new DateRangeParam(null, new DateParam(ParamPrefixEnum.LESSTHAN, Date.from(cutoff))));
        // Synchronous (never HAPI's search cache); a round may stop short of all of them, the next takes the rest.
        map.setLoadSynchronous(true);
        map.setCount(REMOVALS_PER_ROUND);
        List<Binary> expired = binaries.search(map, new SystemRequestDetails()).getResources(0, REMOVALS_PER_ROUND)
                .stream().map(Binary.class::cast).toList();
        ExpungeOptions everything = new ExpungeOptions().setExpungeDeletedResources(true).setExpungeOldVersions(true);
        for (Binary binary : expired) {
            var pid = ids.getPidOrThrowException(binary);
            // Without a version the expunge covers the resource (every version), not the one version read.
            pid.setVersion(null);
            binaries.delete(binary.getIdElement().toUnqualifiedVersionless(), new SystemRequestDetails());
            expunge.expunge("Binary", pid, everything, new SystemRequestDetails());
        }
        return expired.size();
    }
}
