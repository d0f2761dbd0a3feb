package org.homocloud.server.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import org.homocloud.server.auth.SecurityProperties;
import org.homocloud.server.fhir.FhirServerProperties;
import org.homocloud.server.fhir.RestfulServerConfig;

/**
 * The issuer and FHIR base URLs as clients see them: configured ({@code homocloud.security.issuer},
 * {@code homocloud.server.server-address}) or derived from the request the same way Spring Authorization Server
 * derives its issuer, so discovery, token {@code aud} checks and the issued tokens agree.
 */
public final class SecurityUrls {

    private final String configuredIssuer;
    private final String configuredFhirBase;

    public SecurityUrls(SecurityProperties security, FhirServerProperties server) {
        this.configuredIssuer = withoutTrailingSlash(security.issuer());
        this.configuredFhirBase = withoutTrailingSlash(server.serverAddress());
    }

    public String configuredIssuer() {
        return configuredIssuer.isBlank() ? null : configuredIssuer;
    }

    public String issuer(HttpServletRequest request) {
        if (!configuredIssuer.isBlank()) {
            return configuredIssuer;
        }
        StringBuilder url = new StringBuilder(request.getScheme()).append("://").append(request.getServerName());
        int port = request.getServerPort();
        boolean defaultPort = ("http".equals(request.getScheme()) && port == 80)
                || ("https".equals(request.getScheme()) && port == 443);
        if (!defaultPort) {
            url.append(':').append(port);
        }
        return url.append(request.getContextPath()).toString();
    }

    /** The FHIR base URL that belongs to {@code issuer}. */
    public String fhirBase(String issuer) {
        return configuredFhirBase.isBlank() ? issuer + RestfulServerConfig.FHIR_PATH : configuredFhirBase;
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
