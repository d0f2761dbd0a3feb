package org.homocloud.he.ckks;

import java.util.stream.Stream;

/** Named parameter sets the engine tests loop over. Small rings: INSECURE, for tests only. */
final class TestParameterSets {

  static final String INSECURE_LOGN10 = "insecureForTestingLogN10";
  static final String INSECURE_LOGN12 = "insecureForTestingLogN12";

  private TestParameterSets() {}

  static Stream<String> names() {
    return Stream.of(INSECURE_LOGN10, INSECURE_LOGN12);
  }

  static CkksParameters byName(String name) {
    return switch (name) {
      case INSECURE_LOGN10 -> CkksPresets.insecureForTestingLogN10();
      case INSECURE_LOGN12 -> CkksPresets.insecureForTestingLogN12();
      case "logN14" -> CkksPresets.logN14();
      case "logN16" -> CkksPresets.logN16();
      default -> throw new IllegalArgumentException("unknown parameter set " + name);
    };
  }
}
