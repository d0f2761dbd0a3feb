package org.homocloud.server.auth.resource;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.matcher.AuthorizationSearchParamMatcher;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.homocloud.server.auth.SecurityProperties;
import org.homocloud.server.auth.server.SecurityUrls;
import org.homocloud.server.auth.server.TokenSigning;
import org.homocloud.server.fhir.FhirServerProperties;
import org.homocloud.server.fhir.RestfulServerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

import org.springframework.web.cors.CorsConfiguration;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * The FHIR endpoint as an OAuth resource server: Spring Security verifies the bearer token (401 with
 * {@code WWW-Authenticate} when it is missing or bad), then HAPI's interceptors decide by its SMART scopes (403
 * with an OperationOutcome). {@code /fhir/metadata} and discovery need no token.
 */
@Configuration
@ConditionalOnProperty(prefix = "homocloud.security", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ResourceServerConfig {

    /**
     * Verifies access tokens: the embedded server's, against its own signing keys; or an external issuer's,
     * against the JWKS named in its discovery document (fetched on first use).
     */
    @Bean
    public JwtDecoder accessTokenDecoder(SecurityProperties security, ObjectProvider<TokenSigning> embeddedSigning) {
        NimbusJwtDecoder decoder;
        if (security.externalIssuer().isBlank()) {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            TokenSigning signing = embeddedSigning.getObject();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(signing.algorithm(), signing.verificationSource()));
            processor.setJWTClaimsSetVerifier((claims, context) -> {});
            decoder = new NimbusJwtDecoder(processor);
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator()));
        } else {
            decoder = NimbusJwtDecoder.withIssuerLocation(security.externalIssuer()).build();
        }
        return decoder;
    }

    @Bean
    @Order(2)
    public SecurityFilterChain fhirFilterChain(HttpSecurity http, JwtDecoder accessTokenDecoder) throws Exception {
        String fhir = RestfulServerConfig.FHIR_PATH;
        // Ant matchers: the FHIR endpoint is HAPI's servlet, not a Spring MVC route.
        http.securityMatcher(antMatcher(fhir + "/**"))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(antMatcher(HttpMethod.GET, fhir + "/metadata")).permitAll()
                        .requestMatchers(antMatcher(HttpMethod.GET, fhir + "/.well-known/**")).permitAll()
                        .requestMatchers(antMatcher(HttpMethod.OPTIONS, fhir + "/**")).permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(resource -> resource.jwt(jwt -> jwt.decoder(accessTokenDecoder)))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Bearer tokens are not sent by browsers on their own, so there is no cross-site request to forge.
                .csrf(AbstractHttpConfigurer::disable)
                .cors(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    public CorsConfigurationSource corsConfigurationSource(SecurityProperties security) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(security.corsAllowedOrigins());
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of("*"));
        cors.setExposedHeaders(List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate",
                "X-Progress"));
        cors.setAllowCredentials(false);
        // Matched on the whole path within the application: a UrlBasedCorsConfigurationSource sees only the path
        // below a path-mapped servlet's prefix ("/Patient/1" for HAPI's /fhir/*), so "/fhir/**" never matched there
        // and a SMART app on another origin could get a token but read nothing.
        RequestMatcher paths = new OrRequestMatcher(antMatcher(RestfulServerConfig.FHIR_PATH + "/**"),
                antMatcher("/oauth2/**"), antMatcher("/.well-known/**"), antMatcher("/userinfo"));
        return request -> paths.matches(request) ? cors : null;
    }

    @Bean
    public SmartAuthorizationInterceptor smartAuthorizationInterceptor(
            RestfulServer restfulServer, DaoRegistry daoRegistry, SearchParamMatcher searchParamMatcher,
            TokenRequesters tokenRequesters) {
        EncryptedValueReadRule encryptedValue = new EncryptedValueReadRule(id -> {
            try {
                IBaseResource observation =
                        daoRegistry.getResourceDao("Observation").read(id, new SystemRequestDetails());
                return Optional.of(observation);
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return Optional.empty();
            }
        });
        SmartAuthorizationInterceptor interceptor = new SmartAuthorizationInterceptor(
                new ScopeRules(encryptedValue, new ResultBinaryRule(tokenRequesters)));
        // Granular scopes become rule filters (category=...), matched in memory against each resource.
        interceptor.setAuthorizationSearchParamMatcher(new AuthorizationSearchParamMatcher(searchParamMatcher));
        restfulServer.registerInterceptor(interceptor);
        return interceptor;
    }

    /** Who started an asynchronous job, so that only they (or an administrator) can read its status URL. */
    @Bean
    public TokenRequesters tokenRequesters() {
        return new TokenRequesters();
    }

    @Bean
    public PatientCompartmentNarrowing patientCompartmentNarrowing(RestfulServer restfulServer) {
        PatientCompartmentNarrowing narrowing = new PatientCompartmentNarrowing();
        restfulServer.registerInterceptor(narrowing);
        return narrowing;
    }

    @Bean
    public GranularSearchNarrowing granularSearchNarrowing(RestfulServer restfulServer) {
        GranularSearchNarrowing narrowing = new GranularSearchNarrowing();
        restfulServer.registerInterceptor(narrowing);
        return narrowing;
    }

    @Bean
    public SmartCapabilityStatement smartCapabilityStatement(
            RestfulServer restfulServer, SecurityProperties security, FhirServerProperties server) {
        SecurityUrls urls = new SecurityUrls(security, server);
        String external = security.externalIssuer();
        SmartCapabilityStatement statement = new SmartCapabilityStatement(
                external.isBlank() ? urls::issuer : request -> external);
        restfulServer.registerInterceptor(statement);
        return statement;
    }

}
