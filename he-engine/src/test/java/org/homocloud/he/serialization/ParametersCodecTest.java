package org.homocloud.he.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.CkksPresets;
import org.homocloud.he.rlwe.SecretDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Parameters rebuild exactly: every field, and hence the fingerprint, survives the format. */
class ParametersCodecTest {

  static Stream<CkksParameters> parameterSets() {
    return Stream.of(
        CkksPresets.insecureForTestingLogN10(),
        CkksPresets.insecureForTestingLogN12(),
        CkksPresets.logN12(),
        CkksPresets.logN14(),
        SerializationFixture.tiny(),
        CkksParameters.builder().logN(10).logQ(40, 30).logP(41).logDefaultScale(30).logSlots(3)
            .sigma(3.19).secretDistribution(SecretDistribution.sparse(64)).insecureForTesting(true).build());
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void parameters_roundTrip_rebuildEveryField(CkksParameters parameters) {
    byte[] bytes = ParametersCodec.toBytes(parameters);
    CkksParameters back = ParametersCodec.fromBytes(bytes);

    assertThat(bytes).hasSize((int) ParametersCodec.size(parameters));
    assertThat(back.fingerprint()).isEqualTo(parameters.fingerprint());
    assertThat(back.logN()).isEqualTo(parameters.logN());
    assertThat(back.rlwe().qPrimes()).isEqualTo(parameters.rlwe().qPrimes());
    assertThat(back.rlwe().pPrimes()).isEqualTo(parameters.rlwe().pPrimes());
    assertThat(back.rlwe().primesPerDigit()).isEqualTo(parameters.rlwe().primesPerDigit());
    assertThat(back.rlwe().sigma()).isEqualTo(parameters.rlwe().sigma());
    assertThat(back.rlwe().secretDistribution()).isEqualTo(parameters.rlwe().secretDistribution());
    assertThat(back.rlwe().isInsecureForTesting()).isEqualTo(parameters.rlwe().isInsecureForTesting());
    assertThat(back.logDefaultScale()).isEqualTo(parameters.logDefaultScale());
    assertThat(back.logSlots()).isEqualTo(parameters.logSlots());
    assertThat(ParametersCodec.toBytes(back)).isEqualTo(bytes);
  }

  @ParameterizedTest @MethodSource("parameterSets")
  void parameters_takeOneWordPerPrime(CkksParameters parameters) {
    List<Long> q = parameters.rlwe().qPrimes();
    List<Long> p = parameters.rlwe().pPrimes();
    assertThat(ParametersCodec.size(parameters)).isEqualTo(7 + 3 + 8L * (q.size() + p.size()) + 16);
  }
}
