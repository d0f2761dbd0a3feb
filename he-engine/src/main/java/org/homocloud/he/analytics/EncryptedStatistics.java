package org.homocloud.he.analytics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.homocloud.he.HeException;
import org.homocloud.he.rlwe.Ciphertext;

/**
 * Results of {@link CohortStatistics}: the public count and one ciphertext per statistic. Every
 * slot of each result holds the statistic (rotate-and-sum replicates it); slot 0 is the one to
 * read. A result's scale need not be the default: divisions by public integers (the count) are
 * carried in the scale, exactly and without spending a level, so decode with the ciphertext's
 * own scale.
 */
public record EncryptedStatistics(int count, Map<Statistic, Ciphertext> results) {

  public EncryptedStatistics {
    results = Collections.unmodifiableMap(new EnumMap<>(results));
  }

  public Ciphertext get(Statistic statistic) {
    Ciphertext ct = results.get(statistic);
    if (ct == null) {
      throw new HeException(statistic + " was not requested");
    }
    return ct;
  }
}
