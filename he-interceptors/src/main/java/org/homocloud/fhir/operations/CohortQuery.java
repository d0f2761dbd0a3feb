package org.homocloud.fhir.operations;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The cohort part of an encrypted operation's request: every parameter that is not the operation's own is an
 * Observation search parameter, passed on as written (URL-encoded again), so a cohort is whatever a FHIR
 * search can say. Search controls ({@code _count}, {@code _sort}, ...) make no sense for a cohort and are refused.
 */
final class CohortQuery {

  /** Parameters every operation leaves alone besides its own: output format controls. */
  private static final Set<String> FORMAT = Set.of("_format", "_pretty");

  private CohortQuery() {}

  /** {@code &name=value} for each cohort parameter of {@code request}. */
  static String parameters(RequestDetails request, Set<String> own) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
      String name = parameter.getKey();
      if (own.contains(name) || FORMAT.contains(name)) {
        continue;
      }
      if (name.startsWith("_") && !name.equals("_has")) {
        throw new InvalidRequestException("search control parameter '" + name
            + "' is not supported here: the cohort is every matching Observation");
      }
      for (String value : parameter.getValue()) {
        query.append('&').append(name).append('=').append(encode(value));
      }
    }
    return query.toString();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Undoes FHIR search escaping ({@code \|}, {@code \,}, {@code \$}) that clients apply to string values. */
  static String unescape(String value) {
    return value.replace("\\|", "|").replace("\\,", ",").replace("\\$", "$");
  }
}
