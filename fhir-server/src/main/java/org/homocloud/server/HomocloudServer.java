package org.homocloud.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.elasticsearch.ElasticsearchDataAutoConfiguration;
import org.springframework.boot.autoconfigure.data.elasticsearch.ElasticsearchRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Starts Homocloud: the HAPI FHIR JPA server (R4) at {@code /fhir} and the SMART app at {@code /app}.
 *
 * <p>HAPI's dependencies put Quartz, Thymeleaf, Flyway and Elasticsearch on the class path, which would
 * make Spring Boot start a second scheduler, run empty migrations and poll for an Elasticsearch node.
 * HAPI runs its own scheduler and creates its schema through Hibernate, so those are switched off.
 */
@SpringBootApplication(
        exclude = {
            QuartzAutoConfiguration.class,
            ThymeleafAutoConfiguration.class,
            FlywayAutoConfiguration.class,
            ElasticsearchClientAutoConfiguration.class,
            ElasticsearchRestClientAutoConfiguration.class,
            ElasticsearchDataAutoConfiguration.class,
            ElasticsearchRepositoriesAutoConfiguration.class
        })
@ConfigurationPropertiesScan
public class HomocloudServer {

    public static void main(String[] args) {
        SpringApplication.run(HomocloudServer.class, args);
    }
}
