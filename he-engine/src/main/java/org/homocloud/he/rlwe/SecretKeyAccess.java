package org.homocloud.he.rlwe;

/**
 * Token that code must present to read secret key material (as in Tink). Holding the token is
 * the visible, greppable statement that the caller handles secrets on purpose.
 */
public final class SecretKeyAccess {

  private static final SecretKeyAccess INSTANCE = new SecretKeyAccess();

  private SecretKeyAccess() {}

  /** Call sites of this method are the places that read secret keys. */
  public static SecretKeyAccess insecureSecretAccess() {
    return INSTANCE;
  }

  static void check(SecretKeyAccess access) {
    if (access == null) {
      throw new SecurityException("secret key material requires a SecretKeyAccess token");
    }
  }
}
