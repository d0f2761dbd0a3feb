package org.homocloud.fhir.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes a stored blob through while hashing it, and at the end of the stream checks its length and
 * SHA-256 against what was recorded at put time. A mismatch surfaces as an {@link IOException} whose
 * cause is a {@link CiphertextStoreException} of reason {@code CORRUPT}.
 */
final class VerifyingInputStream extends FilterInputStream {

  private final String blobId;
  private final byte[] expectedSha256;
  private final long expectedLength;
  private final MessageDigest digest = Sha256.newDigest();
  private long seen;
  private boolean verified;

  VerifyingInputStream(String blobId, InputStream in, byte[] expectedSha256, long expectedLength) {
    super(in);
    this.blobId = blobId;
    this.expectedSha256 = expectedSha256.clone();
    this.expectedLength = expectedLength;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      verifyAtEnd();
      return -1;
    }
    digest.update(buffer, offset, n);
    seen += n;
    if (seen > expectedLength) {
      throw corrupt("more bytes than the " + expectedLength + " recorded");
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be hashed, or the check at the end would be meaningless.
    byte[] scratch = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readLimit) {
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void verifyAtEnd() throws IOException {
    if (verified) {
      return;
    }
    if (seen != expectedLength) {
      throw corrupt(seen + " bytes where " + expectedLength + " were recorded");
    }
    byte[] actual = digest.digest();
    if (!MessageDigest.isEqual(actual, expectedSha256)) {
      throw corrupt("SHA-256 " + Sha256.hex(actual) + " does not match the recorded " + Sha256.hex(expectedSha256));
    }
    verified = true;
  }

  private IOException corrupt(String why) {
    CiphertextStoreException e = new CiphertextStoreException(blobId, CiphertextStoreException.Reason.CORRUPT, why);
    return new IOException(e.getMessage(), e);
  }
}
