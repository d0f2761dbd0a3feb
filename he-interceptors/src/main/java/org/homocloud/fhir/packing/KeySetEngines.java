package org.homocloud.fhir.packing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.fhir.keys.KeySetVersion;

/**
 * {@link KeySetEngine}s for the registry's key-set versions, built on first use and kept: a version's
 * material never changes once registered, so the cache needs no invalidation. Thread-safe.
 */
public final class KeySetEngines {

  private final KeySetRegistry registry;
  private final Map<String, KeySetEngine> engines = new ConcurrentHashMap<>();

  public KeySetEngines(KeySetRegistry registry) {
    this.registry = registry;
  }

  /** The engine of the newest version of {@code keySetId}, if it has one. */
  public Optional<KeySetEngine> active(String keySetId) {
    return registry.active(keySetId).map(this::engine);
  }

  /** The engine of one version; {@link org.homocloud.fhir.keys.KeySetException} NOT_FOUND if there is none. */
  public KeySetEngine version(String keySetId, int version) {
    KeySetEngine cached = engines.get(keySetId + "#" + version);
    return cached != null ? cached : engine(registry.version(keySetId, version));
  }

  private KeySetEngine engine(KeySetVersion record) {
    return engines.computeIfAbsent(record.keySetId() + "#" + record.version(),
        key -> new KeySetEngine(record, registry.parameters(record), registry.publicKey(record),
            () -> registry.evaluationKeys(record), () -> registry.bootstrappingKeys(record)));
  }
}
