package org.homocloud.fhir.operations.async;

import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Where the results of asynchronous operations are kept until their client fetches them or they expire: in the
 * server's database, so that any server sharing it can answer the status URL, after a restart too.
 */
public interface AsyncResultStore {

  /** Stores {@code result} of job {@code jobId}; answers the id to {@link #load} it with. */
  String save(String jobId, IBaseResource result);

  /** The stored result, or empty when it has expired or never existed. */
  Optional<IBaseResource> load(String resultId);

  /** Removes a stored result; nothing happens when it is already gone. */
  void delete(String resultId);
}
