package org.homocloud.fhir.keys.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.junit.jupiter.api.Test;

class KeySetUploadFormatTest {

  private static byte[] container(byte[] parameters, byte[] publicKey, byte[] evaluationKeys) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    KeySetUploadFormat.writeHead(out, parameters, publicKey);
    out.write(evaluationKeys);
    return out.toByteArray();
  }

  @Test
  void readHead_returnsPartsAndLeavesTheStreamAtTheEvaluationKeys() throws IOException {
    byte[] bytes = container(new byte[] {1, 2, 3}, new byte[] {4, 5}, new byte[] {6, 7, 8, 9});

    KeySetUploadFormat.Upload upload = KeySetUploadFormat.readHead(new ByteArrayInputStream(bytes));

    assertThat(upload.parameters()).containsExactly(1, 2, 3);
    assertThat(upload.publicKey()).containsExactly(4, 5);
    assertThat(upload.evaluationKeys().readAllBytes()).containsExactly(6, 7, 8, 9);
    assertThat(Arrays.copyOf(bytes, 6)).containsExactly('H', 'C', 'K', 'U', 0, 1);
  }

  @Test
  void readHead_otherMagic_isRefusedNamingTheFormat() {
    byte[] bytes = "HCKS\0\1rest".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> KeySetUploadFormat.readHead(new ByteArrayInputStream(bytes)))
        .isInstanceOf(KeySetUploadException.class).hasMessageContaining("does not start with \"HCKU\"");
  }

  @Test
  void readHead_unknownVersion_isRefused() throws IOException {
    byte[] bytes = container(new byte[] {1}, new byte[] {2}, new byte[0]);
    bytes[5] = 3;

    assertThatThrownBy(() -> KeySetUploadFormat.readHead(new ByteArrayInputStream(bytes)))
        .isInstanceOf(KeySetUploadException.class).hasMessageContaining("version 3 is not supported");
  }

  @Test
  void readHead_version2_handsOutTheBootstrappingPartBoundedThenTheEvaluationKeys() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    KeySetUploadFormat.writeHead(out, new byte[] {1}, new byte[] {2, 3}, 3);
    out.write(new byte[] {10, 11, 12, 20, 21});
    byte[] bytes = out.toByteArray();

    KeySetUploadFormat.Upload upload = KeySetUploadFormat.readHead(new ByteArrayInputStream(bytes));

    assertThat(Arrays.copyOf(bytes, 6)).containsExactly('H', 'C', 'K', 'U', 0, 2);
    assertThat(upload.publicKey()).containsExactly(2, 3);
    assertThat(upload.bootstrappingKeys().readAllBytes()).containsExactly(10, 11, 12);
    assertThat(upload.evaluationKeys().readAllBytes()).containsExactly(20, 21);
  }

  @Test
  void readHead_version2WithoutBootstrappingKeys_hasNone() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    KeySetUploadFormat.writeHead(out, new byte[] {1}, new byte[] {2}, 0);
    out.write(new byte[] {20});

    KeySetUploadFormat.Upload upload = KeySetUploadFormat.readHead(new ByteArrayInputStream(out.toByteArray()));

    assertThat(upload.bootstrappingKeys()).isNull();
    assertThat(upload.evaluationKeys().readAllBytes()).containsExactly(20);
  }

  @Test
  void readHead_oversizedLength_isRefusedBeforeAllocating() {
    byte[] bytes = ByteBuffer.allocate(10).put(KeySetUploadFormat.MAGIC).putShort((short) 1).putInt(-1).array();

    assertThatThrownBy(() -> KeySetUploadFormat.readHead(new ByteArrayInputStream(bytes)))
        .isInstanceOf(KeySetUploadException.class)
        .hasMessageContaining("4294967295 bytes of parameters")
        .hasMessageContaining(String.valueOf(KeySetRegistry.MAX_PUBLIC_KEY_BYTES));
  }

  @Test
  void readHead_truncatedInThePublicKey_isRefused() throws IOException {
    byte[] bytes = container(new byte[] {1, 2}, new byte[100], new byte[0]);

    assertThatThrownBy(() -> KeySetUploadFormat.readHead(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 10))))
        .isInstanceOf(KeySetUploadException.class).hasMessageContaining("90 of 100 bytes of public key");
  }

  @Test
  void readHead_truncatedInALength_isRefused() throws IOException {
    byte[] bytes = container(new byte[] {1, 2}, new byte[] {3}, new byte[0]);

    assertThatThrownBy(() -> KeySetUploadFormat.readHead(new ByteArrayInputStream(Arrays.copyOf(bytes, 8))))
        .isInstanceOf(KeySetUploadException.class).hasMessageContaining("truncated");
  }
}
