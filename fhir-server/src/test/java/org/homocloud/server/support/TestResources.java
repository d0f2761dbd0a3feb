package org.homocloud.server.support;

import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;

/** Small, valid R4 resources for tests; each patient carries a fresh identifier so tests never collide. */
public final class TestResources {

    public static final String LOINC = "http://loinc.org";
    public static final String IDENTIFIER_SYSTEM = "urn:homocloud:test";
    public static final String BODY_WEIGHT = "29463-7";
    public static final String BLOOD_PRESSURE_PANEL = "55284-4";
    public static final String SYSTOLIC = "8480-6";
    public static final String DIASTOLIC = "8462-4";

    private TestResources() {}

    public static String uniqueValue() {
        return UUID.randomUUID().toString();
    }

    public static Patient patient(String identifierValue) {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(IDENTIFIER_SYSTEM).setValue(identifierValue);
        patient.addName().setFamily("Tester").addGiven("Ada");
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        return patient;
    }

    public static Observation weight(String subjectReference, double kg, String effective) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(loinc(BODY_WEIGHT, "Body Weight"));
        observation.getSubject().setReference(subjectReference);
        observation.setEffective(new DateTimeType(effective));
        observation.setValue(new Quantity().setValue(kg).setUnit("kg").setSystem("http://unitsofmeasure.org").setCode("kg"));
        return observation;
    }

    public static Observation bloodPressure(String subjectReference, double systolic, double diastolic, String effective) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(loinc(BLOOD_PRESSURE_PANEL, "Blood pressure panel"));
        observation.getSubject().setReference(subjectReference);
        observation.setEffective(new DateTimeType(effective));
        observation.addComponent().setCode(loinc(SYSTOLIC, "Systolic")).setValue(mmHg(systolic));
        observation.addComponent().setCode(loinc(DIASTOLIC, "Diastolic")).setValue(mmHg(diastolic));
        return observation;
    }

    private static Quantity mmHg(double value) {
        return new Quantity().setValue(value).setUnit("mm[Hg]").setSystem("http://unitsofmeasure.org").setCode("mm[Hg]");
    }

    private static CodeableConcept loinc(String code, String display) {
        return new CodeableConcept().addCoding(new Coding(LOINC, code, display));
    }
}
