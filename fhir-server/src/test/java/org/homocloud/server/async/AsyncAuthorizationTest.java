package org.homocloud.server.async;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.homocloud.fhir.operations.ResultBinaries;
import org.homocloud.fhir.keys.KeySetRegistry;
import org.homocloud.server.auth.client.BackendServicesTokenClient;
import org.homocloud.server.auth.scope.HomocloudScopes;
import org.homocloud.server.encryption.JpaResultBinaries;
import org.homocloud.server.support.FhirClients;
import org.homocloud.server.support.RunningServer;
import org.homocloud.server.support.TestKeySet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * With SMART authorization on, an asynchronous job's status URL answers only the client that started it (and an
 * administrator): another client holding the same aggregate scope gets 404, as for a job that does not exist, and
 * cannot cancel it; a token without the aggregate or administrative scope is refused the status URL outright.
 * This server answers every result ciphertext as a Binary reference (inline limit 0), and the same holds for the
 * Binary: its requester and an administrator read it; another client gets 403 even with scopes that grant every
 * Binary (read, search, delete), and so does a record scope. Expired result Binaries are removed with every version.
 */
class AsyncAuthorizationTest {

    private static final String OTHER_CLIENT = "other-researcher";

    private static Path dataDir;
    private static RunningServer server;
    private static TestKeySet keys;
    private static BackendServicesTokenClient cli;
    private static BackendServicesTokenClient other;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("homocloud-async-auth-");
        ECKey otherKey = new ECKeyGenerator(Curve.P_384).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES384)
                .keyIDFromThumbprint(true).generate();
        Path publicJwks = dataDir.resolve("other.jwks.json");
        Files.writeString(publicJwks, new JWKSet(otherKey.toPublicJWK()).toString());
        Path privateJwk = dataDir.resolve("other.private.jwk.json");
        Files.writeString(privateJwk, otherKey.toJSONString());
        server = RunningServer.start(null,
                "homocloud.security.enabled=true",
                "homocloud.storage.data-dir=" + dataDir,
                "homocloud.encryption.allow-insecure-parameters-for-testing=true",
                "homocloud.async.unit-pause-for-testing=300ms",
                "homocloud.encryption.inline-result-limit=0",
                "homocloud.security.clients[0].client-id=" + OTHER_CLIENT,
                "homocloud.security.clients[0].jwks-file=" + publicJwks,
                "homocloud.security.clients[0].scope=" + HomocloudScopes.AGGREGATE_SYSTEM + " system/Binary.cruds");
        keys = TestKeySet.register(server.bean(KeySetRegistry.class), "default");
        cli = BackendServicesTokenClient.forLocalServer(dataDir, server.baseUrl());
        other = BackendServicesTokenClient.create(server.baseUrl(), OTHER_CLIENT, privateJwk);
    }

    @AfterAll
    static void stop() {
        server.close();
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    @Test
    void onlyTheRequesterAndAnAdministrator_readTheJob_anotherClientGets404_andRecordScopes403() {
        IGenericClient writer = FhirClients.client(server.baseUrl());
        writer.registerInterceptor(new BearerTokenAuthInterceptor(cli.token("system/*.cruds").value()));
        AsyncCohort cohort = AsyncCohort.create(writer, 10, 1);
        AsyncHttp requester = new AsyncHttp(cli.token(HomocloudScopes.AGGREGATE_SYSTEM).value());
        AsyncHttp stranger = new AsyncHttp(other.token(HomocloudScopes.AGGREGATE_SYSTEM).value());
        AsyncHttp administrator = new AsyncHttp(cli.token(HomocloudScopes.ADMIN_SYSTEM).value());
        AsyncHttp recordReader = new AsyncHttp(cli.token("system/Observation.rs").value());

        String statusUrl = requester.submit(cohort.meanUrl(server.baseUrl(), "mean"));
        int strangerRead = stranger.get(statusUrl, false).statusCode();
        int strangerCancel = stranger.delete(statusUrl).statusCode();
        int recordRead = recordReader.get(statusUrl, false).statusCode();
        HttpResponse<String> done = requester.pollToEnd(statusUrl, Duration.ofSeconds(60));
        int strangerAfter = stranger.get(statusUrl, false).statusCode();
        HttpResponse<String> asAdministrator = administrator.get(statusUrl, false);

        System.out.printf("status URL: requester %d, other client %d (cancel %d, after completion %d), "
                + "record scope %d, administrator %d%n", done.statusCode(), strangerRead, strangerCancel,
                strangerAfter, recordRead, asAdministrator.statusCode());
        assertThat(strangerRead).isEqualTo(404);
        assertThat(strangerCancel).isEqualTo(404);
        assertThat(strangerAfter).isEqualTo(404);
        assertThat(recordRead).isEqualTo(403);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(asAdministrator.statusCode()).isEqualTo(200);
        Parameters result = FhirClients.context().newJsonParser().parseResource(Parameters.class, done.body());
        String binary = ciphertextReferences(result).get(0);
        HttpResponse<byte[]> fetched = requester.getBytes(server.baseUrl() + "/" + binary);
        int strangerBinary = stranger.getBytes(server.baseUrl() + "/" + binary).statusCode();
        int administratorBinary = administrator.getBytes(server.baseUrl() + "/" + binary).statusCode();
        System.out.printf("async result %s: requester %d, other client %d, administrator %d%n", binary,
                fetched.statusCode(), strangerBinary, administratorBinary);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(strangerBinary).isEqualTo(403);
        assertThat(administratorBinary).isEqualTo(200);
        double relative = Math.abs(keys.decryptResult(fetched.body()) - cohort.mean()) / cohort.mean();
        System.out.printf("async mean with authorization: relative error %.2e%n", relative);
        assertThat(relative).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void syncResult_ciphertextsAreBinaryReferences_readByTheRequesterOnly_andRemovedAfterRetention() throws Exception {
        IGenericClient writer = FhirClients.client(server.baseUrl());
        writer.registerInterceptor(new BearerTokenAuthInterceptor(cli.token("system/*.cruds").value()));
        AsyncCohort cohort = AsyncCohort.create(writer, 10, 2);
        AsyncHttp requester = new AsyncHttp(cli.token(HomocloudScopes.AGGREGATE_SYSTEM).value());
        AsyncHttp stranger = new AsyncHttp(other.token(HomocloudScopes.AGGREGATE_SYSTEM).value());
        AsyncHttp recordReader = new AsyncHttp(cli.token("system/Observation.rs").value());

        HttpResponse<String> answer = requester.get(cohort.meanUrl(server.baseUrl(), "sum,mean"), false);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Parameters result = FhirClients.context().newJsonParser().parseResource(Parameters.class, answer.body());
        List<String> binaries = ciphertextReferences(result);
        assertThat(binaries).hasSize(2).allMatch(reference -> reference.startsWith("Binary/"));
        assertThat(answer.body()).doesNotContain("valueBase64Binary");

        double[] plaintext = {cohort.sum(), cohort.mean()};
        for (int i = 0; i < binaries.size(); i++) {
            String url = server.baseUrl() + "/" + binaries.get(i);
            HttpResponse<byte[]> raw = requester.getBytes(url);
            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(raw.headers().firstValue("Content-Type").orElse(""))
                    .startsWith(ResultBinaries.CONTENT_TYPE);
            HttpResponse<String> asFhir = requester.get(url, false);
            Binary resource = FhirClients.context().newJsonParser().parseResource(Binary.class, asFhir.body());
            assertThat(resource.getData()).isEqualTo(raw.body());
            int strangerStatus = stranger.getBytes(url).statusCode();
            int recordStatus = recordReader.getBytes(url).statusCode();
            double relative = Math.abs(keys.decryptResult(raw.body()) - plaintext[i]) / plaintext[i];
            System.out.printf("sync %s as %s (%d bytes): relative error %.2e; other client %d, record scope %d%n",
                    i == 0 ? "sum" : "mean", binaries.get(i), raw.body().length, relative, strangerStatus, recordStatus);
            assertThat(relative).isLessThanOrEqualTo(1e-6);
            assertThat(strangerStatus).isEqualTo(403);
            assertThat(recordStatus).isEqualTo(403);
        }

        // Scopes over every Binary do not reach another client's results, and still serve its own Binaries.
        String binaryToken = other.token("system/Binary.cruds").value();
        AsyncHttp binaryClient = new AsyncHttp(binaryToken);
        String first = server.baseUrl() + "/" + binaries.get(0);
        int binaryRead = binaryClient.getBytes(first).statusCode();
        int binarySearch = binaryClient.get(server.baseUrl() + "/Binary?_tag="
                + AsyncCohort.encode(ResultBinaries.RESULT_TAG_SYSTEM + "|" + ResultBinaries.RESULT_CODE), false).statusCode();
        int binaryDelete = binaryClient.delete(first).statusCode();
        IGenericClient binaryFhir = FhirClients.client(server.baseUrl());
        binaryFhir.registerInterceptor(new BearerTokenAuthInterceptor(binaryToken));
        String own = binaryFhir.create().resource(new Binary().setContentType("text/plain").setData(new byte[] {42}))
                .execute().getId().toUnqualifiedVersionless().getValue();
        byte[] ownData = binaryFhir.read().resource(Binary.class).withUrl(own).execute().getData();
        Binary forged = new Binary().setContentType(ResultBinaries.CONTENT_TYPE).setData(new byte[] {1});
        forged.getMeta().addTag(ResultBinaries.RESULT_TAG_SYSTEM, ResultBinaries.RESULT_CODE, null);
        forged.getMeta().addTag(ResultBinaries.OWNER_TAG_SYSTEM, "0".repeat(64), null);
        // As FHIR JSON (HAPI's client would post a Binary as its raw content, without the tags).
        HttpResponse<String> forgery = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/Binary"))
                .header("Authorization", "Bearer " + binaryToken).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FhirClients.context().newJsonParser()
                        .encodeResourceToString(forged))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forgery.statusCode()).as("a Binary posing as someone's result: " + forgery.body()).isEqualTo(403);
        System.out.printf("another client with system/Binary.cruds: read %d, search %d, delete %d; its own Binary %s%n",
                binaryRead, binarySearch, binaryDelete, own);
        assertThat(binaryRead).isEqualTo(403);
        assertThat(binarySearch).isEqualTo(403);
        assertThat(binaryDelete).isEqualTo(403);
        assertThat(ownData).containsExactly(42);
        assertThat(requester.getBytes(first).statusCode()).as("still there after the refused delete").isEqualTo(200);

        int removed = server.bean(JpaResultBinaries.class).removeOlderThan(Instant.now().plusSeconds(1));
        int afterRemoval = requester.getBytes(first).statusCode();
        int versionAfterRemoval = requester.getBytes(first + "/_history/1").statusCode();
        System.out.printf("cleanup removed %d result Binaries; reading one afterwards: %d, its version 1: %d%n",
                removed, afterRemoval, versionAfterRemoval);
        assertThat(removed).isGreaterThanOrEqualTo(2);
        assertThat(afterRemoval).as("expunged, not merely deleted").isEqualTo(404);
        assertThat(versionAfterRemoval).isEqualTo(404);
    }

    /** The Binary references of every ciphertext (parameter or part) of an operation's result. */
    private static List<String> ciphertextReferences(Parameters result) {
        return result.getParameter().stream()
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.getPart().stream()))
                .filter(p -> p.getValue() instanceof Reference)
                .map(p -> ((Reference) p.getValue()).getReference())
                .toList();
    }

    @Test
    void withoutTheAggregateScope_respondAsyncIsRefusedLikeTheSyncCall() {
        AsyncHttp recordReader = new AsyncHttp(cli.token("system/Observation.rs").value());
        HttpResponse<String> response = recordReader.get(
                server.baseUrl() + "/Observation/$encrypted-mean?code=29463-7", true);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Location")).isEmpty();
    }
}
