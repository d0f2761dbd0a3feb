package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.VoidModel;
import ca.uhn.fhir.batch2.model.JobDefinition;

/**
 * The Batch2 job that runs one encrypted operation for a {@code Prefer: respond-async} request. Its work is one
 * unit that cannot be split across servers (the operation loads its cohort's ciphertexts and folds them into one
 * result), so the first step does it all and emits no work chunk, which Batch2 takes as the job's completion at
 * once; the second step exists because Batch2 requires two, and never runs.
 */
public final class AsyncOperationJob {

  public static final String DEFINITION_ID = "homocloud-async-operation";

  public static final int DEFINITION_VERSION = 1;

  private AsyncOperationJob() {}

  public static JobDefinition<AsyncOperationParameters> definition(RunOperationStep step) {
    return JobDefinition.newBuilder()
        .setJobDefinitionId(DEFINITION_ID)
        .setJobDefinitionVersion(DEFINITION_VERSION)
        .setJobDescription("an encrypted operation requested with Prefer: respond-async")
        .setParametersType(AsyncOperationParameters.class)
        .addFirstStep("run-operation", "runs the operation and stores its result", VoidModel.class, step)
        .addLastStep("never-runs", "required by Batch2; the first step emits no chunk",
            (details, sink) -> RunOutcome.SUCCESS)
        .build();
  }
}
