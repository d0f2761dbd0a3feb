package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
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
import org.homocloud.he.HeException;
import org.homocloud.he.analytics.EncryptedLogisticModel;
import org.homocloud.he.analytics.LogisticRegression;
import org.homocloud.he.analytics.RowLayout;
import org.homocloud.he.analytics.SignedRows;
import org.homocloud.he.analytics.SlotRef;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * {@code Observation/$encrypted-regression?model=logistic}: logistic regression trained on ciphertexts
 * (he-engine {@link LogisticRegression}: Nesterov-accelerated gradient with Kim et al.'s cubic sigmoid,
 * one bootstrap per iteration), returning the encrypted coefficients.
 *
 * <p>The outcome is a binary label the server knows in plaintext: 1 for a patient with a Condition whose
 * code matches {@code outcome-condition}, 0 otherwise. Features are encrypted Observation codes, aligned
 * per patient as for the linear model ({@link PatientAlignment}); covariates ({@code age}, {@code gender})
 * are plaintext columns from Patient. Every column is normalised with PUBLIC constants so the linear
 * predictor stays in the sigmoid's interval: the client states {@code feature-center} and
 * {@code feature-scale} for each feature, in order (422 without them: the server cannot see the values and
 * must not learn their statistics); covariates use {@link Covariate}'s documented table.
 *
 * <p>Needs a bootstrappable key set: the stored values must be encrypted under a key-set version that
 * carries bootstrapping keys (422 otherwise, saying how to make one). One training at a time: at logN 16
 * each holds gigabytes of keys and ciphertexts.
 */
final class LogisticRegressionOperation {

  static final int DEFAULT_ITERATIONS = 10;
  static final int MAX_ITERATIONS = 20;

  /** A parsed request. */
  record Request(String outcomeCondition, List<String> features, double[] centers, double[] scales,
      PatientCovariates covariates, int iterations, boolean mean, String cohort) {
  }

  private final PatientAlignment alignment;
  private final PatientRecords records;

  LogisticRegressionOperation(PatientAlignment alignment, PatientRecords records) {
    this.alignment = alignment;
    this.records = records;
  }

  /** Checks the normalisation constants: one finite centre and one positive scale per feature. */
  static void checkNormalisation(List<String> features, List<DecimalType> centers, List<DecimalType> scales) {
    int given = centers == null ? 0 : centers.size();
    int givenScales = scales == null ? 0 : scales.size();
    if (given != features.size() || givenScales != features.size()) {
      throw new UnprocessableEntityException("model=logistic needs public normalisation constants: one 'feature-center' "
          + "and one 'feature-scale' per feature, in the features' order (" + features.size() + " feature(s), "
          + given + " centre(s), " + givenScales + " scale(s)); choose them from reference ranges so that "
          + "(value - center) / scale lies in about [-1, 1]");
    }
    for (int j = 0; j < features.size(); j++) {
      if (centers.get(j).getValue() == null || scales.get(j).getValue() == null
          || !Double.isFinite(centers.get(j).getValue().doubleValue())
          || !(scales.get(j).getValue().doubleValue() > 0) || !Double.isFinite(scales.get(j).getValue().doubleValue())) {
        throw new UnprocessableEntityException("feature " + features.get(j) + ": centre must be finite and scale positive");
      }
    }
  }

  static int iterations(IntegerType iterations) {
    if (iterations == null || iterations.getValue() == null) {
      return DEFAULT_ITERATIONS;
    }
    int value = iterations.getValue();
    if (value < 1 || value > MAX_ITERATIONS) {
      throw new UnprocessableEntityException("iterations must be in [1, " + MAX_ITERATIONS + "] (one bootstrap each): "
          + value);
    }
    return value;
  }

  /**
   * Runs the request; {@code progress} hears one unit per packing group loaded, one when the rows are built
   * and one per training iteration (a cancelled asynchronous job stops between them).
   */
  synchronized Parameters run(Request request, OperationProgress progress) {
    if (records == null) {
      throw new UnprocessableEntityException("model=logistic needs the server's patient records (Conditions), "
          + "which this server was not given");
    }
    if (request.outcomeCondition() == null || request.outcomeCondition().isBlank()) {
      throw new InvalidRequestException("model=logistic needs 'outcome-condition': the Condition code (SYSTEM|CODE, "
          + "or a SNOMED CT code) whose presence is the outcome");
    }
    Set<String> positives = records.subjectsOfConditions("code=" + CohortQuery.encode(request.outcomeCondition()));
    PatientCovariates covariates = request.covariates();
    PatientAlignment.Aligned aligned = alignment.align(request.features(), request.cohort(), request.mean(),
        covariates::known, progress, 1 + request.iterations());
    KeySetEngine engine = aligned.engine();
    if (!engine.bootstrappable()) {
      throw new UnprocessableEntityException("model=logistic trains with bootstrapping, and key set '"
          + aligned.keySetId() + "' version " + aligned.keySetVersion() + " has no bootstrapping keys: create a "
          + "bootstrappable key set with './homocloud keys create --bootstrapping logN16 --key FILE --upload' and "
          + "store the values under it");
    }
    List<String> patients = aligned.patients();
    int n = patients.size();
    int[] labels = new int[n];
    int positive = 0;
    SlotRef[][] places = new SlotRef[n][request.features().size()];
    double[][] covariateRows = new double[n][];
    for (int p = 0; p < n; p++) {
      labels[p] = positives.contains(patients.get(p)) ? 1 : 0;
      positive += labels[p];
      for (int j = 0; j < request.features().size(); j++) {
        places[p][j] = new SlotRef(j, p);
      }
      covariateRows[p] = covariates.values(patients.get(p));
    }
    if (positive == 0 || positive == n) {
      throw new UnprocessableEntityException("the outcome has one class only in this cohort (" + positive + " of " + n
          + " patients have the condition): a logistic model needs both");
    }
    int featureCount = request.features().size();
    int columnCount = featureCount + covariates.covariates().size();
    double[] centers = new double[columnCount];
    double[] scales = new double[columnCount];
    System.arraycopy(request.centers(), 0, centers, 0, featureCount);
    System.arraycopy(request.scales(), 0, scales, 0, featureCount);
    for (int k = 0; k < covariates.covariates().size(); k++) {
      centers[featureCount + k] = covariates.covariates().get(k).center();
      scales[featureCount + k] = covariates.covariates().get(k).scale();
    }

    EncryptedLogisticModel model;
    KeySetEngine.BootstrappingEngine tools;
    try {
      tools = engine.bootstrapping();
      // Column-major: the aligned vectors (patient p in slot p) move into rows with one rotation per feature; the
      // row-major layout would need one shift per patient and feature (thousands of masked terms at logN 16).
      RowLayout layout = RowLayout.columnMajor(columnCount + 1, engine.parameters().maxLogSlots());
      List<Ciphertext> rows = new SignedRows(tools.evaluator(), tools.encoder())
          .build(aligned.vectors(), places, covariateRows, labels, centers, scales, layout);
      progress.advance();
      model = new LogisticRegression(tools.evaluator(), tools.encoder(), tools.bootstrapper())
          .train(rows, layout, n, request.iterations(), iteration -> progress.advance());
    } catch (HeException | IllegalStateException e) {
      throw new UnprocessableEntityException("the logistic regression cannot be trained on these ciphertexts: "
          + e.getMessage());
    }

    Parameters out = new Parameters();
    out.addParameter().setName("model").setValue(new CodeType("logistic"));
    out.addParameter().setName("count").setValue(new IntegerType(n));
    out.addParameter().setName("positives").setValue(new IntegerType(positive));
    out.addParameter().setName("keySet").setValue(new StringType(aligned.keySetId()));
    out.addParameter().setName("keySetVersion").setValue(new IntegerType(aligned.keySetVersion()));
    out.addParameter().setName("outcomeCondition").setValue(new StringType(request.outcomeCondition()));
    for (String feature : request.features()) {
      out.addParameter().setName("feature").setValue(new StringType(feature));
    }
    for (Covariate covariate : covariates.covariates()) {
      out.addParameter().setName("covariate").setValue(new StringType(covariate.code()));
    }
    if (!covariates.covariates().isEmpty()) {
      out.addParameter().setName("covariateDate").setValue(new DateType(covariates.at().toString()));
    }
    out.addParameter().setName("iterations").setValue(new IntegerType(model.iterations()));
    out.addParameter().setName("bootstraps").setValue(new IntegerType(model.bootstraps()));
    List<String> names = new ArrayList<>();
    names.add("intercept");
    names.addAll(request.features());
    covariates.covariates().forEach(c -> names.add(c.code()));
    for (int c = 0; c < names.size(); c++) {
      Parameters.ParametersParameterComponent column = out.addParameter().setName("column");
      column.addPart().setName("name").setValue(new StringType(names.get(c)));
      column.addPart().setName("slot").setValue(new IntegerType(model.slot(c)));
      if (c > 0) {
        column.addPart().setName("center").setValue(new DecimalType(centers[c - 1]));
        column.addPart().setName("scale").setValue(new DecimalType(scales[c - 1]));
      }
    }
    out.addParameter().setName("coefficients").setValue(new Base64BinaryType(engine.codec().toBytes(model.coefficients())));
    return out;
  }
}
