package org.homocloud.server.fhir;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the FHIR endpoint at {@code /fhir} behaves towards clients ({@code homocloud.server.*}).
 *
 * @param maxRequestBytes largest request body accepted; larger ones get 413 with an OperationOutcome
 * @param defaultPageSize search results per page when the client sends no {@code _count}
 * @param maxPageSize upper bound on {@code _count}
 * @param serverAddress public base URL written into links (e.g. {@code https://fhir.example.org/fhir});
 *     blank means "derive it from the incoming request"
 */
@ConfigurationProperties("homocloud.server")
public record FhirServerProperties(
        @DefaultValue("52428800") long maxRequestBytes,
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("500") int maxPageSize,
        @DefaultValue("") String serverAddress) {

    public FhirServerProperties {
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException(
                    "homocloud.server.max-request-bytes must be at least 1024, was " + maxRequestBytes);
        }
        if (defaultPageSize < 1 || defaultPageSize > maxPageSize) {
            throw new IllegalArgumentException("homocloud.server.default-page-size must be in [1, max-page-size="
                    + maxPageSize + "], was " + defaultPageSize);
        }
    }
}
