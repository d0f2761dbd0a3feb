package org.homocloud.fhir.operations.async;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * Who is asking, as far as asynchronous jobs care: the job records its requester, and its status URL answers only
 * that requester or an administrator. The server's authorization layer supplies this (e.g. from the bearer
 * token's client and subject); without authorization every request is the same anonymous requester.
 */
public interface Requesters {

  /** Everyone is one anonymous requester who may read every job: for servers without authorization. */
  Requesters ANONYMOUS = new Requesters() {
    @Override
    public String of(RequestDetails request) {
      return "anonymous";
    }

    @Override
    public boolean isAdministrator(RequestDetails request) {
      return true;
    }
  };

  /** A stable name of the requester of {@code request} (never null). */
  String of(RequestDetails request);

  /** Whether {@code request} may read and cancel every client's jobs. */
  boolean isAdministrator(RequestDetails request);
}
