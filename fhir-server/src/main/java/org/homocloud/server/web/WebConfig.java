package org.homocloud.server.web;

import ca.uhn.fhir.context.FhirContext;
import java.util.Set;
import org.homocloud.server.fhir.FhirServerProperties;
import org.homocloud.server.fhir.RestfulServerConfig;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** HTTP plumbing around the FHIR servlet: the request size limit and the routes of the SMART app at /app. */
@Configuration
public class WebConfig implements WebMvcConfigurer {

    @Bean
    public FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimitFilter(
            FhirServerProperties properties, FhirContext fhirContext) {
        FilterRegistrationBean<RequestSizeLimitFilter> registration = new FilterRegistrationBean<>(
                new RequestSizeLimitFilter(properties.maxRequestBytes(), fhirContext, Set.of("$upload-key-set")));
        registration.addUrlPatterns(RestfulServerConfig.FHIR_PATH + "/*");
        return registration;
    }

    /** The built app sits under classpath:/META-INF/resources/app/ (see smart-app/pom.xml). */
    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/", "/app/");
        registry.addRedirectViewController("/app", "/app/");
        registry.addViewController("/app/").setViewName("forward:/app/index.html");
    }
}
