package org.homocloud.server.auth.server;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;

import org.homocloud.server.auth.SecurityProperties;
import org.homocloud.server.fhir.FhirServerProperties;
import org.homocloud.server.storage.StorageProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The embedded SMART authorization server, on Spring Authorization Server: discovery, JWKS, the authorize and
 * token endpoints (App Launch with PKCE, Backend Services with {@code private_key_jwt}), introspection and
 * revocation, and form login for the people who authorize apps. Present unless security is off or an external
 * issuer is configured.
 */
@Configuration
@ConditionalOnExpression(AuthorizationServerConfig.EMBEDDED)
public class AuthorizationServerConfig {

    /** Security on, and no external issuer configured. */
    static final String EMBEDDED =
            "${homocloud.security.enabled:true} and '${homocloud.security.external-issuer:}' == ''";

    /** No KMS key configured for token signing. */
    static final String LOCAL_SIGNING = "'${homocloud.security.signing.kms-key-id:}' == ''";

    private static final Clock CLOCK = Clock.systemUTC();

    /** EHR launch handles are used within moments of being minted; an hour is generous. */
    private static final Duration LAUNCH_LIFETIME = Duration.ofHours(1);

    private static Path authDir(SecurityProperties security, StorageProperties storage) {
        return security.authDirectory(storage.dataDir());
    }

    /** The default: a rotating RSA JWK set persisted under the auth directory. */
    @Bean
    @ConditionalOnExpression(AuthorizationServerConfig.LOCAL_SIGNING)
    public SigningKeys signingKeys(SecurityProperties security, StorageProperties storage) {
        return SigningKeys.load(authDir(security, storage).resolve("signing-keys.jwks.json"),
                security.signingKeyRotation(), CLOCK);
    }

    /** With {@code homocloud.security.signing.kms-key-id}: an AWS KMS key signs, and no local key is made. */
    @Bean
    @ConditionalOnExpression("!(" + AuthorizationServerConfig.LOCAL_SIGNING + ")")
    public KmsTokenSigning kmsTokenSigning(SecurityProperties security) {
        return KmsTokenSigning.connect(security.signing());
    }

    @Bean
    public LocalCliClient localCliClient(SecurityProperties security, StorageProperties storage) {
        return LocalCliClient.loadOrCreate(authDir(security, storage), security.cliClientId(), security.cliClientScope());
    }

    @Bean
    public LoginLockout loginLockout(SecurityProperties security) {
        return new LoginLockout(security.maxFailedLogins(), security.lockout(), CLOCK);
    }

    @Bean
    public UserAccounts userAccounts(SecurityProperties security, StorageProperties storage, LoginLockout lockout) {
        return UserAccounts.loadOrCreate(authDir(security, storage), lockout);
    }

    @Bean
    public LaunchContexts launchContexts(JdbcTemplate authorizationJdbc) {
        return new LaunchContexts(authorizationJdbc, CLOCK, LAUNCH_LIFETIME);
    }

    @Bean
    public SecurityUrls securityUrls(SecurityProperties security, FhirServerProperties server) {
        return new SecurityUrls(security, server);
    }

    @Bean
    public RegisteredClientRepository registeredClientRepository(SecurityProperties security, LocalCliClient cli) {
        return ClientRegistrations.repository(security, cli);
    }

    /** The authorization server's tables (authorizations, consents, used assertion ids, launches) in the FHIR database. */
    @Bean
    public JdbcTemplate authorizationJdbc(DataSource dataSource) {
        AuthorizationTables.create(dataSource);
        return new JdbcTemplate(dataSource);
    }

    /** Issued codes and tokens in the shared database: refresh and introspection survive restarts and span servers. */
    @Bean
    public OAuth2AuthorizationService authorizationService(JdbcTemplate authorizationJdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationService(authorizationJdbc, clients);
    }

    @Bean
    public OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate authorizationJdbc,
            RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationConsentService(authorizationJdbc, clients);
    }

    @Bean
    public JWKSource<SecurityContext> jwkSource(TokenSigning signing) {
        return signing.verificationSource();
    }

    @Bean
    public JwtEncoder jwtEncoder(TokenSigning signing) {
        return signing.encoder();
    }

    @Bean
    public JtiReplayCache jtiReplayCache(JdbcTemplate authorizationJdbc) {
        return new JtiReplayCache(authorizationJdbc, CLOCK);
    }

    /** Access and ID tokens as JWTs with launch context; refresh tokens only when offline or online access was granted. */
    @Bean
    public OAuth2TokenGenerator<?> tokenGenerator(JwtEncoder encoder, LaunchContexts launches, UserAccounts users) {
        JwtGenerator jwts = new JwtGenerator(encoder);
        jwts.setJwtCustomizer(new LaunchContextTokenCustomizer(launches, users));
        OAuth2RefreshTokenGenerator refreshTokens = new OAuth2RefreshTokenGenerator();
        // A refresh grant replaces a refresh token that offline or online access earned, whatever it narrows to.
        OAuth2TokenGenerator<?> refreshOnlyWithAccessScope = context ->
                OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                                && (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
                                        || context.getAuthorizedScopes().contains("offline_access")
                                        || context.getAuthorizedScopes().contains("online_access"))
                        ? refreshTokens.generate(context)
                        : null;
        return new DelegatingOAuth2TokenGenerator(jwts, refreshOnlyWithAccessScope);
    }

    @Bean
    public AuthorizationServerSettings authorizationServerSettings(SecurityUrls urls) {
        AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
        if (urls.configuredIssuer() != null) {
            settings.issuer(urls.configuredIssuer());
        }
        return settings.build();
    }

    @Bean
    @Order(1)
    public SecurityFilterChain authorizationServerFilterChain(
            HttpSecurity http,
            OAuth2AuthorizationService authorizations,
            JtiReplayCache jtis,
            LaunchContexts launches,
            SecurityUrls urls,
            JwtDecoder accessTokenDecoder,
            TokenSigning signing) throws Exception {
        OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
        SmartAuthorizationRequestValidator requestValidator = new SmartAuthorizationRequestValidator(
                () -> urls.fhirBase(AuthorizationServerContextHolder.getContext().getIssuer()), launches);
        ClientAssertionDecoderFactory assertionDecoders = new ClientAssertionDecoderFactory(jtis, CLOCK);
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, as -> as
                        // Discovery names the algorithm ID tokens really carry (ES384 with an ECC KMS key).
                        .oidc(oidc -> oidc.providerConfigurationEndpoint(discovery -> discovery.providerConfigurationCustomizer(
                                configuration -> configuration.idTokenSigningAlgorithms(algorithms -> {
                                    algorithms.clear();
                                    algorithms.add(signing.algorithm().getName());
                                }))))
                        .clientAuthentication(clients -> clients
                                .authenticationConverters(converters -> converters.add(0, new ClientIdFromAssertionConverter()))
                                .authenticationProviders(providers -> providers.forEach(p -> {
                                    if (p instanceof JwtClientAssertionAuthenticationProvider assertions) {
                                        assertions.setJwtDecoderFactory(assertionDecoders);
                                    }
                                })))
                        .authorizationEndpoint(authorize -> authorize.authenticationProviders(providers -> providers.forEach(p -> {
                            if (p instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codes) {
                                codes.setAuthenticationValidator(requestValidator);
                            }
                        })))
                        .tokenEndpoint(token -> token
                                .authenticationProviders(providers -> providers.forEach(p -> {
                                    if (p instanceof OAuth2ClientCredentialsAuthenticationProvider credentials) {
                                        credentials.setAuthenticationValidator(new SmartClientCredentialsValidator());
                                    }
                                }))
                                .accessTokenResponseHandler(new SmartTokenResponseHandler(authorizations))))
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // The OpenID userinfo endpoint takes the server's own access tokens.
                .oauth2ResourceServer(resource -> resource.jwt(jwt -> jwt.decoder(accessTokenDecoder)))
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), browserNavigation()))
                .cors(Customizer.withDefaults());
        return http.build();
    }

    /** {@link LaunchController}: EHRs mint launch handles with a bearer token, as on {@code /fhir}. */
    @Bean
    @Order(2)
    public SecurityFilterChain launchFilterChain(HttpSecurity http, JwtDecoder accessTokenDecoder) throws Exception {
        http.securityMatcher(AntPathRequestMatcher.antMatcher(LaunchController.PATH))
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(resource -> resource.jwt(jwt -> jwt.decoder(accessTokenDecoder)))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable);
        return http.build();
    }

    /** A browser asking for a page (not a client that accepts anything), which is sent to the login form. */
    private static MediaTypeRequestMatcher browserNavigation() {
        MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        return html;
    }

    /** Everything outside the authorization server and {@code /fhir}: form login, the app, discovery. */
    @Bean
    @Order(3)
    public SecurityFilterChain signInFilterChain(HttpSecurity http, UserAccounts users, LoginLockout lockout)
            throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers(Stream.of("/", "/login", "/error", "/app", "/app/**", "/.well-known/**", "/favicon.ico")
                                .map(AntPathRequestMatcher::antMatcher).toArray(RequestMatcher[]::new))
                        .permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .authenticationProvider(new LockingAuthenticationProvider(users, lockout))
                .cors(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    public FilterRegistrationBean<SmartConfigurationFilter> smartConfigurationFilter(SecurityUrls urls) {
        FilterRegistrationBean<SmartConfigurationFilter> registration =
                new FilterRegistrationBean<>(new SmartConfigurationFilter(urls::issuer));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

}
