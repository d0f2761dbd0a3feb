package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * How far a long operation has got, told to whoever runs it: a synchronous request ignores it, an asynchronous
 * job ({@code Prefer: respond-async}) records it for its status URL and uses each step to stop a cancelled job.
 * The operation announces its units of work once ({@link #begin}) and reports each one done ({@link #advance});
 * {@code advance} may throw to abandon the operation (a cancelled job), so operations call it between units,
 * never while holding something that must be released.
 */
public interface OperationProgress {

  /** Does nothing: the progress of a synchronous request. */
  OperationProgress NONE = new OperationProgress() {
    @Override
    public void begin(int totalUnits) {}

    @Override
    public void advance() {}
  };

  /** The {@link RequestDetails#getUserData() user data} key under which a runner attaches its listener. */
  String USER_DATA_KEY = OperationProgress.class.getName();

  /** The operation has {@code totalUnits} units of work ahead (e.g. ciphertexts to load, then the computation). */
  void begin(int totalUnits);

  /** One more unit is done. */
  void advance();

  /** The listener attached to {@code request}, or {@link #NONE}. */
  static OperationProgress of(RequestDetails request) {
    Object attached = request == null ? null : request.getUserData().get(USER_DATA_KEY);
    return attached instanceof OperationProgress progress ? progress : NONE;
  }
}
