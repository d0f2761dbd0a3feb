package org.homocloud.he.ckks.bootstrap;

/**
 * What a server needs to bootstrap under a custodian's key: the bootstrapping shape (how the chain
 * is spent) and the public keys ({@link BootstrappingKeys}). This is what the custodian uploads
 * besides the ordinary evaluation keys, and what the wire format's tag 10 carries.
 */
public record BootstrappingKeySet(BootstrappingParameters parameters, BootstrappingKeys keys) {

  /** Generates the keys of {@code parameters} from the custodian's secret key. */
  public static BootstrappingKeySet generate(BootstrappingParameters parameters,
      org.homocloud.he.rlwe.SecretKey secretKey) {
    return new BootstrappingKeySet(parameters, BootstrappingKeys.generate(parameters, secretKey));
  }

  /** A bootstrapper over these keys. */
  public Bootstrapper bootstrapper(org.homocloud.he.ring.Parallelism parallelism) {
    return new Bootstrapper(parameters, keys, parallelism);
  }
}
