package org.homocloud.fhir.keys;

import java.util.regex.Pattern;

/** Key-set ids: the name a custodian gives a key set, shared by the registry and custodian key files. */
public final class KeySetIds {

  /** 1 to 64 characters of {@code [A-Za-z0-9_-]}: no dot, so it cannot collide with the registry's blob-id separators. */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private KeySetIds() {
  }

  /** Returns {@code id} if it is a valid key-set id, else throws naming the bad value and the rule. */
  public static String check(String id) {
    if (id == null || !PATTERN.matcher(id).matches()) {
      throw new IllegalArgumentException("bad key-set id " + (id == null ? "null" : "'" + id + "'")
          + ": expected 1 to 64 characters of [A-Za-z0-9_-]");
    }
    return id;
  }
}
