package org.homocloud.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.homocloud.server.support.ServerTestBase;
import org.junit.jupiter.api.Test;

/**
 * Broken or oversized requests, sent as raw HTTP because a well-behaved FHIR client cannot produce them.
 * Every refusal must carry an OperationOutcome the EHR can show.
 */
class BadInputTest extends ServerTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void malformedJson_is400_withOperationOutcome() throws Exception {
        HttpResponse<String> response = post("Patient", "application/fhir+json",
                HttpRequest.BodyPublishers.ofString("{\"resourceType\": \"Patient\", \"name\": [ {\"family\": "));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(outcome(response).getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    }

    @Test
    void malformedXml_is400_withOperationOutcome() throws Exception {
        HttpResponse<String> response = post("Patient", "application/fhir+xml",
                HttpRequest.BodyPublishers.ofString("<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"X\"/></nam"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(outcome(response).getIssue()).isNotEmpty();
    }

    @Test
    void wrongResourceTypeForEndpoint_is400() throws Exception {
        HttpResponse<String> response = post("Patient", "application/fhir+json",
                HttpRequest.BodyPublishers.ofString("{\"resourceType\": \"Observation\", \"status\": \"final\"}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(outcome(response).getIssue()).isNotEmpty();
    }

    @Test
    void bodyOverLimit_withContentLength_is413_withOperationOutcome() throws Exception {
        HttpResponse<String> response = post("Bundle", "application/fhir+json",
                HttpRequest.BodyPublishers.ofByteArray(oversizedBody()));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(outcome(response).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOLONG);
    }

    @Test
    void bodyOverLimit_chunked_is413_withOperationOutcome() throws Exception {
        byte[] body = oversizedBody();
        // An InputStream publisher has no known length, so the body goes out chunked, without Content-Length.
        HttpResponse<String> response = post("Bundle", "application/fhir+json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(outcome(response).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOLONG);
    }

    @Test
    void bodyUnderLimit_chunked_isAccepted() throws Exception {
        byte[] body = "{\"resourceType\": \"Patient\", \"name\": [{\"family\": \"Chunked\"}]}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post("Patient", "application/fhir+json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        assertThat(response.statusCode()).isEqualTo(201);
    }

    private static byte[] oversizedBody() {
        byte[] body = new byte[MAX_REQUEST_BYTES + 1];
        Arrays.fill(body, (byte) ' ');
        return body;
    }

    private HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/" + path))
                .header("Content-Type", contentType)
                .header("Accept", "application/fhir+json")
                .POST(body)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static OperationOutcome outcome(HttpResponse<String> response) {
        return CLIENT_CONTEXT.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }
}
