package org.homocloud.server.auth;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * With {@code homocloud.security.enabled=false} the server answers every request without a token, as a plain
 * FHIR server; Spring Security is on the class path, so it is told so explicitly rather than left to its
 * defaults (which would demand a login).
 */
@Configuration
@ConditionalOnProperty(prefix = "homocloud.security", name = "enabled", havingValue = "false")
public class SecurityDisabledConfig {

    @Bean
    public SecurityFilterChain openFilterChain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(AbstractHttpConfigurer::disable)
                .build();
    }
}
