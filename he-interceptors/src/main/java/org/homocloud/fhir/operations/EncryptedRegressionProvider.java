package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.fhir.packing.KeySetEngine;
import org.homocloud.fhir.packing.KeySetEngines;
import org.homocloud.fhir.packing.PackedValueReader;
import org.homocloud.he.HeException;
import org.homocloud.he.analytics.EncryptedGram;
import org.homocloud.he.analytics.NormalEquations;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * {@code Observation/$encrypted-regression?model=linear}: a linear regression of one Observation code (the
 * outcome) on others (features), per patient, computed on ciphertexts. The server returns the encrypted
 * normal-equation statistics, the Gram matrix of [1 | features | outcome] over the cohort's patients; the
 * key holder decrypts it and solves the (d+1) x (d+1) system in the clear (documented choice: a solve on
 * ciphertexts would need an iterative inversion and bootstraps, for a result that reveals no more).
 *
 * <p>Per patient each code contributes its latest value ({@code aggregate=latest}, default) or the mean of
 * its values ({@code aggregate=mean}) among the Observations the cohort search returns (add {@code date=}
 * bounds to choose the window); patients missing any code are left out. Alignment is homomorphic
 * ({@link Gather}: values moved from their packed slots to slot p of one vector per code). Every request
 * parameter other than {@code model}, {@code outcome}, {@code feature}, {@code aggregate} is an Observation
 * search parameter, as for {@code $encrypted-mean}. {@code covariate=age|gender} (repeatable) adds plaintext
 * columns from Patient after the features (encrypted by the server with the public key, patient p in slot p;
 * patients whose Patient lacks one are left out). {@code model=logistic} is {@link LogisticRegressionOperation}.
 *
 * <p>Result: {@code model}, {@code count} (patients), {@code keySet}, {@code keySetVersion}, the
 * {@code feature} codes and {@code covariate} names in column order (and the {@code covariateDate} ages are
 * computed at), the layout ({@code columns}, {@code blockSize},
 * {@code blocksPerCiphertext}: entry e of the upper triangle of G, row-major without (0,0), lies in
 * ciphertext e / blocksPerCiphertext at slot (e % blocksPerCiphertext) * blockSize), and the {@code gram}
 * ciphertexts in order. G[0][0] is the count.
 */
public final class EncryptedRegressionProvider {

  private static final Set<String> OWN_PARAMETERS = Set.of("model", "outcome", "feature", "aggregate", "covariate",
      "outcome-condition", "feature-center", "feature-scale", "iterations");

  private final PatientAlignment alignment;
  private final PatientRecords records;
  private final LogisticRegressionOperation logistic;

  public EncryptedRegressionProvider(CohortSearch search, PackedValueReader values, KeySetEngines engines,
      int minimumCohort) {
    this(search, values, engines, minimumCohort, null);
  }

  /** @param records plaintext Conditions and Patients, for logistic outcomes and covariates (null: neither) */
  public EncryptedRegressionProvider(CohortSearch search, PackedValueReader values, KeySetEngines engines,
      int minimumCohort, PatientRecords records) {
    this.alignment = new PatientAlignment(search, values, engines, minimumCohort);
    this.records = records;
    this.logistic = new LogisticRegressionOperation(alignment, records);
  }

  @Operation(name = "$encrypted-regression", typeName = "Observation", idempotent = true)
  public Parameters encryptedRegression(
      @OperationParam(name = "model", min = 1, max = 1, typeName = "code") CodeType model,
      @OperationParam(name = "outcome", max = 1, typeName = "string") StringType outcome,
      @OperationParam(name = "feature", min = 1, typeName = "string") List<StringType> features,
      @OperationParam(name = "aggregate", max = 1, typeName = "code") CodeType aggregate,
      @OperationParam(name = "covariate", typeName = "code") List<CodeType> covariates,
      @OperationParam(name = "outcome-condition", max = 1, typeName = "string") StringType outcomeCondition,
      @OperationParam(name = "feature-center", typeName = "decimal") List<DecimalType> featureCenters,
      @OperationParam(name = "feature-scale", typeName = "decimal") List<DecimalType> featureScales,
      @OperationParam(name = "iterations", max = 1, typeName = "integer") IntegerType iterations,
      RequestDetails request) {
    boolean logisticModel = model != null && "logistic".equals(model.getValue());
    if (!logisticModel && (model == null || !"linear".equals(model.getValue()))) {
      throw new InvalidRequestException("model must be 'linear' or 'logistic': '"
          + (model == null ? "" : model.getValue()) + "'");
    }
    if (features == null || features.isEmpty()) {
      throw new InvalidRequestException("at least one 'feature' is required: the Observation codes that explain "
          + "the outcome");
    }
    boolean mean = aggregate != null && "mean".equals(aggregate.getValue());
    if (aggregate != null && !mean && !"latest".equals(aggregate.getValue())) {
      throw new InvalidRequestException("aggregate must be 'latest' or 'mean': '" + aggregate.getValue() + "'");
    }
    List<String> codes = new ArrayList<>();
    for (StringType feature : features) {
      codes.add(CohortQuery.unescape(feature.getValue()));
    }
    List<Covariate> asked = new ArrayList<>();
    for (CodeType covariate : covariates == null ? List.<CodeType>of() : covariates) {
      asked.add(Covariate.parse(covariate.getValue()));
    }
    PatientCovariates patientCovariates = new PatientCovariates(records, asked, LocalDate.now(ZoneOffset.UTC));
    String cohort = CohortQuery.parameters(request, OWN_PARAMETERS);
    if (logisticModel) {
      if (outcome != null && !outcome.isEmpty()) {
        throw new InvalidRequestException("model=logistic takes 'outcome-condition' (a binary outcome), not 'outcome'");
      }
      LogisticRegressionOperation.checkNormalisation(codes, featureCenters, featureScales);
      double[] centers = featureCenters.stream().mapToDouble(d -> d.getValue().doubleValue()).toArray();
      double[] scales = featureScales.stream().mapToDouble(d -> d.getValue().doubleValue()).toArray();
      return logistic.run(new LogisticRegressionOperation.Request(
          outcomeCondition == null ? null : CohortQuery.unescape(outcomeCondition.getValue()), codes, centers, scales,
          patientCovariates, LogisticRegressionOperation.iterations(iterations), mean, cohort),
          OperationProgress.of(request));
    }
    if (outcome == null || outcome.isEmpty()) {
      throw new InvalidRequestException("parameter 'outcome' is required: the Observation code to explain");
    }
    codes.add(CohortQuery.unescape(outcome.getValue()));
    return linear(codes, patientCovariates, mean, cohort, OperationProgress.of(request));
  }

  private Parameters linear(List<String> codes, PatientCovariates covariates, boolean mean, String cohort,
      OperationProgress progress) {
    // Units of work: each packing group's ciphertext loaded, then the Gram matrix.
    PatientAlignment.Aligned aligned = alignment.align(codes, cohort, mean, covariates::known, progress, 1);
    KeySetEngine engine = aligned.engine();
    List<String> patients = aligned.patients();
    int featureCount = codes.size() - 1;
    EncryptedGram gram;
    try {
      List<Ciphertext> columns = new ArrayList<>(aligned.vectors().subList(0, featureCount));
      Ciphertext outcomeVector = aligned.vectors().get(featureCount);
      // Plaintext covariates: the server knows them, so it encrypts them itself at the features' level and
      // scale (patient p in slot p); the Gram matrix's products treat them like any column.
      for (int k = 0; k < covariates.covariates().size(); k++) {
        double[] slots = new double[engine.slotCount()];
        for (int p = 0; p < patients.size(); p++) {
          slots[p] = covariates.values(patients.get(p))[k];
        }
        columns.add(engine.encrypt(slots, outcomeVector.level(), outcomeVector.scale()));
      }
      gram = new NormalEquations(engine.analyticsEvaluator()).compute(columns, outcomeVector, patients.size());
    } catch (HeException | IllegalStateException e) {
      throw new UnprocessableEntityException("the regression cannot be computed on these ciphertexts: " + e.getMessage());
    }
    progress.advance();
    Parameters out = new Parameters();
    out.addParameter().setName("model").setValue(new CodeType("linear"));
    out.addParameter().setName("count").setValue(new IntegerType(patients.size()));
    out.addParameter().setName("keySet").setValue(new StringType(aligned.keySetId()));
    out.addParameter().setName("keySetVersion").setValue(new IntegerType(aligned.keySetVersion()));
    out.addParameter().setName("outcome").setValue(new StringType(codes.get(featureCount)));
    for (String feature : codes.subList(0, featureCount)) {
      out.addParameter().setName("feature").setValue(new StringType(feature));
    }
    for (Covariate covariate : covariates.covariates()) {
      out.addParameter().setName("covariate").setValue(new StringType(covariate.code()));
    }
    if (!covariates.covariates().isEmpty()) {
      out.addParameter().setName("covariateDate").setValue(new DateType(covariates.at().toString()));
    }
    out.addParameter().setName("columns").setValue(new IntegerType(gram.columns()));
    out.addParameter().setName("blockSize").setValue(new IntegerType(gram.blockSize()));
    out.addParameter().setName("blocksPerCiphertext").setValue(new IntegerType(gram.blocksPerCiphertext()));
    for (Ciphertext ct : gram.packed()) {
      out.addParameter().setName("gram").setValue(new Base64BinaryType(engine.codec().toBytes(ct)));
    }
    return out;
  }
}
