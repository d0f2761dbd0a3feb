package org.homocloud.fhir.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** Which ciphertexts of a result move into Binaries: those above the limit, in parameters and parts alike. */
class LargeCiphertextsTest {

    private record Stored(byte[] ciphertext, String owner) {}

    @Test
    void ciphertextsAboveTheLimitBecomeReferences_atTheLimitTheyStayInline() {
        List<Stored> stored = new ArrayList<>();
        ResultBinaries binaries = (ciphertext, owner) -> {
            stored.add(new Stored(ciphertext, owner));
            return "Binary/" + stored.size();
        };
        Parameters result = new Parameters();
        result.addParameter().setName("count").setValue(new IntegerType(12));
        result.addParameter().setName("gram").setValue(new Base64BinaryType(new byte[101]));
        Parameters.ParametersParameterComponent statistic = result.addParameter().setName("statistic");
        statistic.addPart().setName("ciphertext").setValue(new Base64BinaryType(new byte[100]));
        Parameters.ParametersParameterComponent large = result.addParameter().setName("statistic");
        large.addPart().setName("ciphertext").setValue(new Base64BinaryType(new byte[5000]));

        new LargeCiphertexts(binaries, 100).referenceLarge(result, "client=a sub=b");

        assertThat(result.getParameter("count").getValue()).isInstanceOf(IntegerType.class);
        assertThat(((Reference) result.getParameter("gram").getValue()).getReference()).isEqualTo("Binary/1");
        assertThat(statistic.getPart().get(0).getValue()).as("at the limit: inline").isInstanceOf(Base64BinaryType.class);
        Reference moved = (Reference) large.getPart().get(0).getValue();
        assertThat(moved.getReference()).isEqualTo("Binary/2");
        assertThat(moved.getType()).isEqualTo("Binary");
        assertThat(moved.getDisplay()).isEqualTo("ciphertext, 5000 bytes");
        assertThat(stored).extracting(s -> s.ciphertext().length).containsExactly(101, 5000);
        assertThat(stored).extracting(Stored::owner).containsOnly("client=a sub=b");
    }

    @Test
    void ownerCodes_areDigests_distinctPerRequester() {
        String a = ResultBinaries.ownerCode("https://issuer client=a sub=a");
        assertThat(a).hasSize(64).matches("[0-9a-f]+").doesNotContain("client");
        assertThat(ResultBinaries.ownerCode("https://issuer client=a sub=a")).isEqualTo(a);
        assertThat(ResultBinaries.ownerCode("https://issuer client=b sub=b")).isNotEqualTo(a);
    }
}
