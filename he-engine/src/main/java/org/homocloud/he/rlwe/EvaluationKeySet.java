package org.homocloud.he.rlwe;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public evaluation keys a server computes with: the relinearization key and Galois keys by
 * Galois element. Either may be absent; an operation that needs a missing key says which.
 */
public final class EvaluationKeySet {

  private final RelinearizationKey relinearizationKey;
  private final Map<Long, GaloisKey> galoisKeys;

  public EvaluationKeySet(RelinearizationKey relinearizationKey, Iterable<GaloisKey> galoisKeys) {
    this.relinearizationKey = relinearizationKey;
    TreeMap<Long, GaloisKey> byElement = new TreeMap<>();
    for (GaloisKey key : galoisKeys) {
      byElement.put(key.galoisElement(), key);
    }
    this.galoisKeys = java.util.Collections.unmodifiableMap(byElement);
  }

  public Optional<RelinearizationKey> relinearizationKey() {
    return Optional.ofNullable(relinearizationKey);
  }

  public Optional<GaloisKey> galoisKey(long galoisElement) {
    return Optional.ofNullable(galoisKeys.get(galoisElement));
  }

  public Map<Long, GaloisKey> galoisKeys() {
    return galoisKeys;
  }
}
