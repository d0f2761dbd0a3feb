package org.homocloud.cli.analytics;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.homocloud.cli.CliException;
import org.homocloud.cli.CliException.ExitCode;
import picocli.CommandLine.Option;

/** The cohort of an encrypted operation: ordinary FHIR search parameters on Observation, given as NAME=VALUE. */
public final class CohortOptions {

    @Option(names = "--param", paramLabel = "NAME=VALUE",
            description = "an Observation search parameter choosing the cohort, e.g. patient.gender=female, "
                    + "date=ge2020-01-01, patient.birthdate=lt1970-01-01, subject=Group/7 (the Group's members) "
                    + "(repeatable)")
    List<String> parameters = new ArrayList<>();

    /** The parameters as {@code &name=value} pairs, URL-encoded. */
    String query() {
        StringBuilder query = new StringBuilder();
        for (String parameter : parameters) {
            int equals = parameter.indexOf('=');
            if (equals <= 0) {
                throw new CliException(ExitCode.FAILED, "bad --param '" + parameter + "': expected NAME=VALUE");
            }
            query.append('&').append(encode(parameter.substring(0, equals))).append('=')
                    .append(encode(parameter.substring(equals + 1)));
        }
        return query.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A bare code means LOINC, as clinicians write it (8480-6); a system|code is kept as given. */
    static String token(String code) {
        return code.contains("|") ? code : "http://loinc.org|" + code;
    }
}
