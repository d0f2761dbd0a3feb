package org.homocloud.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.homocloud.he.HeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CkksParametersTest {

  static Stream<Arguments> securePresets() {
    return Stream.of(
        Arguments.of("logN12", (Supplier<CkksParameters>) CkksPresets::logN12, 12, 109),
        Arguments.of("logN13", (Supplier<CkksParameters>) CkksPresets::logN13, 13, 218),
        Arguments.of("logN14", (Supplier<CkksParameters>) CkksPresets::logN14, 14, 438),
        Arguments.of("logN15", (Supplier<CkksParameters>) CkksPresets::logN15, 15, 881),
        Arguments.of("logN16", (Supplier<CkksParameters>) CkksPresets::logN16, 16, 1747));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("securePresets")
  void presets_are128BitSecureByTheStandardTable(String name, Supplier<CkksParameters> preset, int logN, int limit) {
    CkksParameters p = preset.get();
    System.out.println(name + ": " + p);
    assertThat(p.logN()).isEqualTo(logN);
    assertThat(p.logQp()).isLessThanOrEqualTo(limit);
    assertThat(p.securityBits()).isEqualTo(128);
    assertThat(p.rlwe().isInsecureForTesting()).isFalse();
  }

  @Test
  void benchPresets_haveTheIssuedShapes() {
    assertThat(CkksPresets.logN14().rlwe().qPrimes()).hasSize(6);
    assertThat(CkksPresets.logN14().logDefaultScale()).isEqualTo(50);
    assertThat(CkksPresets.logN16().rlwe().qPrimes()).hasSize(21);
    assertThat(CkksPresets.logN16().logDefaultScale()).isEqualTo(59);
  }

  @Test
  void insecureParameters_refuseToBuildUnlessNamedSo() {
    assertThatThrownBy(() -> CkksParameters.builder().logN(10).logQ(55, 40).logP(55).logDefaultScale(40).build())
        .isInstanceOf(HeException.class)
        .hasMessageContaining("below 128-bit security")
        .hasMessageContaining("insecureForTesting");
    CkksParameters insecure = CkksParameters.builder().logN(10).logQ(55, 40).logP(55).logDefaultScale(40)
        .insecureForTesting(true).build();
    assertThat(insecure.securityBits()).isLessThan(128);
    assertThat(insecure.toString()).contains("INSECURE FOR TESTING");
  }

  @Test
  void badValues_areNamedInTheMessage() {
    assertThatThrownBy(() -> CkksParameters.builder().logN(2).logQ(30).logP(30).logDefaultScale(20).build())
        .isInstanceOf(HeException.class).hasMessageContaining("logN must be in [3, 17]: 2");
    assertThatThrownBy(() -> CkksParameters.builder().logN(12).logQ(62).logP(50).logDefaultScale(40).build())
        .isInstanceOf(HeException.class).hasMessageContaining("62");
    assertThatThrownBy(() -> CkksParameters.builder().logN(12).logQ(50, 40).logP(30).logDefaultScale(40)
            .primesPerDigit(2).insecureForTesting(true).build())
        .isInstanceOf(HeException.class).hasMessageContaining("largest digit");
    assertThatThrownBy(() -> CkksParameters.builder().logN(12).qPrimes(List.of(1000003L)).logP(50)
            .logDefaultScale(40).insecureForTesting(true).build())
        .isInstanceOf(HeException.class).hasMessageContaining("not 1 mod 2N");
    assertThatThrownBy(() -> CkksParameters.builder().logN(12).logQ(50).logP(50).logDefaultScale(40)
            .logSlots(12).insecureForTesting(true).build())
        .isInstanceOf(HeException.class).hasMessageContaining("logSlots must be in [0, 11]: 12");
    assertThatThrownBy(() -> CkksParameters.builder().logN(12).logP(50).logDefaultScale(40).build())
        .isInstanceOf(HeException.class).hasMessageContaining("logQ");
  }

  @Test
  void sameLiteral_givesSamePrimesAndFingerprint_differentLiteralDoesNot() {
    CkksParameters a = CkksPresets.logN14();
    CkksParameters b = CkksPresets.logN14();
    assertThat(a.rlwe().qPrimes()).isEqualTo(b.rlwe().qPrimes());
    assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
    assertThat(CkksPresets.logN13().fingerprint()).isNotEqualTo(a.fingerprint());
  }
}
