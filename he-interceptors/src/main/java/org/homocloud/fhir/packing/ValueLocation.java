package org.homocloud.fhir.packing;

/** Where one encrypted value lives: a slot of a packing group under a key-set version. */
public record ValueLocation(String keySetId, int keySetVersion, String groupId, int slot) {}
