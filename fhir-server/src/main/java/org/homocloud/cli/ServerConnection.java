package org.homocloud.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.homocloud.cli.CliException.ExitCode;

/**
 * Every HTTP exchange of the command line with a Homocloud server: FHIR interactions through HAPI's generic
 * client, raw byte streams (key-set uploads, ciphertext imports) through {@link java.net.http.HttpClient}.
 * Keeping them in one class leaves one place for authentication (SMART Backend Services bearer tokens, on
 * every request) and one place that turns failures into {@link CliException}s: unreachable server, or an
 * error status with the OperationOutcome's diagnostics.
 */
public final class ServerConnection {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Transactions of a large patient take minutes to commit on a small machine. */
    private static final int SOCKET_TIMEOUT_MILLIS = 30 * 60 * 1000;

    private final String baseUrl;
    private final FhirContext fhirContext;
    private final IGenericClient client;
    private final HttpClient http;
    private final Supplier<String> authorization;

    /**
     * A connection as {@code options} say: to their server, with SMART Backend Services tokens from
     * {@code --client-id/--client-key}, or, for a server on this machine, from the command-line client the
     * local server registered in its data directory; without tokens when neither exists (a server run with
     * {@code homocloud.security.enabled=false}).
     */
    public ServerConnection(ServerOptions options, FhirContext fhirContext) {
        this(options.server(), fhirContext, tokens(options));
    }

    /** A connection to the FHIR base {@code baseUrl}, e.g. {@code http://127.0.0.1:8080/fhir}, without tokens. */
    public ServerConnection(String baseUrl, FhirContext fhirContext) {
        this(baseUrl, fhirContext, null);
    }

    private ServerConnection(String baseUrl, FhirContext fhirContext, TokenSource tokens) {
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.FAILED, "bad --server URL '" + baseUrl + "': " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new CliException(ExitCode.FAILED, "bad --server URL '" + baseUrl + "': expected http:// or https://");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.fhirContext = fhirContext;
        fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhirContext.getRestfulClientFactory().setSocketTimeout(SOCKET_TIMEOUT_MILLIS);
        fhirContext.getRestfulClientFactory().setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        this.client = fhirContext.newRestfulGenericClient(this.baseUrl);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
        this.authorization = tokens == null ? null : () -> tokens.authorizationHeader(this.baseUrl);
        if (authorization != null) {
            client.registerInterceptor(new ca.uhn.fhir.rest.client.api.IClientInterceptor() {
                @Override
                public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
                    request.addHeader("Authorization", authorization.get());
                }

                @Override
                public void interceptResponse(ca.uhn.fhir.rest.client.api.IHttpResponse response) {}
            });
        }
    }

    /** Where bearer tokens come from, if anywhere. */
    private record TokenSource(org.homocloud.server.auth.client.BackendServicesTokenClient client, String scope) {

        String authorizationHeader(String baseUrl) {
            try {
                return (scope == null ? client.token() : client.token(scope)).authorizationHeader();
            } catch (org.homocloud.server.auth.client.BackendServicesTokenClient.TokenRequestException e) {
                throw new CliException(ExitCode.SERVER_REFUSED, "the server refused a token to client " + client.clientId()
                        + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new CliException(ExitCode.SERVER_UNREACHABLE, "could not obtain a token from " + baseUrl + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private static TokenSource tokens(ServerOptions options) {
        if (options.clientId() != null || options.clientKey() != null) {
            if (options.clientId() == null || options.clientKey() == null) {
                throw new CliException(ExitCode.FAILED, "--client-id and --client-key go together");
            }
            return new TokenSource(org.homocloud.server.auth.client.BackendServicesTokenClient.create(
                    options.server(), options.clientId(), options.clientKey()), options.scope());
        }
        java.nio.file.Path localClient = options.dataDir().resolve("auth").resolve("cli-client.json");
        String host = URI.create(options.server()).getHost();
        boolean local = "127.0.0.1".equals(host) || "localhost".equals(host) || "::1".equals(host) || "[::1]".equals(host);
        if (local && java.nio.file.Files.exists(localClient)) {
            return new TokenSource(org.homocloud.server.auth.client.BackendServicesTokenClient.forLocalServer(
                    options.dataDir(), options.server()), null);
        }
        return null;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Posts a transaction (or batch) Bundle and returns the server's response Bundle. */
    public Bundle transaction(Bundle bundle) {
        return fhir("transaction", () -> client.transaction().withBundle(bundle).execute());
    }

    /** {@code GET [base]/Observation/ID/$encrypted-value}: the encrypted values of one Observation. */
    public Parameters encryptedValues(String observationId) {
        return fhir("Observation/" + observationId + "/$encrypted-value", () -> client.operation()
                .onInstance(new IdType("Observation", observationId))
                .named("$encrypted-value")
                .withNoParameters(Parameters.class)
                .useHttpGet()
                .execute());
    }

    /**
     * {@code GET [base]/OPERATION?QUERY} for an operation that answers a Parameters resource (the encrypted
     * statistics); {@code pathAndQuery} is relative to the base and already URL-encoded.
     */
    public Parameters getParameters(String pathAndQuery) {
        String operation = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        return withCiphertextsInline(operation,
                fhir(operation, () -> client.fetchResourceFromUrl(Parameters.class, baseUrl + "/" + pathAndQuery)));
    }

    /**
     * Replaces each reference to a {@code Binary} in an operation's answer (where the server keeps a ciphertext too
     * large to answer inline) by the Binary's bytes, so that commands read every ciphertext as
     * {@code valueBase64Binary}.
     *
     * @param operation what the answer is, for error messages
     */
    public Parameters withCiphertextsInline(String operation, Parameters answer) {
        for (Parameters.ParametersParameterComponent parameter : answer.getParameter()) {
            inlineBinaryReferences(operation, parameter);
        }
        return answer;
    }

    /** Whether {@code answer} refers to a ciphertext kept as a Binary on the server. */
    public static boolean refersToBinaries(Parameters answer) {
        return answer.getParameter().stream().anyMatch(ServerConnection::refersToBinary);
    }

    private static boolean refersToBinary(Parameters.ParametersParameterComponent parameter) {
        return isBinaryReference(parameter) || parameter.getPart().stream().anyMatch(ServerConnection::refersToBinary);
    }

    private static boolean isBinaryReference(Parameters.ParametersParameterComponent parameter) {
        return parameter.getValue() instanceof Reference reference
                && "Binary".equals(reference.getReferenceElement().getResourceType());
    }

    private void inlineBinaryReferences(String operation, Parameters.ParametersParameterComponent parameter) {
        if (isBinaryReference(parameter)) {
            Reference reference = (Reference) parameter.getValue();
            parameter.setValue(new Base64BinaryType(binary(operation, reference.getReferenceElement().getIdPart())));
        }
        for (Parameters.ParametersParameterComponent part : parameter.getPart()) {
            inlineBinaryReferences(operation, part);
        }
    }

    /** {@code GET [base]/Binary/ID} as raw bytes ({@code Accept: application/octet-stream}). */
    private byte[] binary(String operation, String id) {
        String what = operation + ": result Binary/" + id;
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + "/Binary/" + encode(id)))
                .header("Accept", "application/octet-stream").GET();
        HttpResponse<byte[]> response = send(what, builder, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            String detail = diagnosticsOf(new String(response.body(), StandardCharsets.UTF_8));
            if (detail.isBlank()) {
                detail = switch (response.statusCode()) {
                    case 401, 403 -> "only the client that asked for the result (or an administrator) may read it";
                    case 404, 410 -> "results are kept for a limited time (24 h by default): run the operation again";
                    default -> "no details";
                };
            }
            throw new CliException(ExitCode.SERVER_REFUSED, what + ": server answered " + response.statusCode() + ": "
                    + detail);
        }
        return response.body();
    }

    /**
     * As {@link #getParameters}, run as a server job (FHIR's asynchronous pattern, {@code Prefer: respond-async}):
     * polls the status URL the server answers with, telling {@code progress} each new {@code X-Progress}, until the
     * result (or the operation's error) arrives. A server that answers at once is answered at once.
     */
    public Parameters getParametersAsync(String pathAndQuery, Consumer<String> progress) {
        String operation = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        HttpResponse<String> response = exchange(operation, HttpRequest.newBuilder(URI.create(baseUrl + "/" + pathAndQuery))
                .header("Prefer", "respond-async").GET());
        if (response.statusCode() == 202) {
            String statusUrl = response.headers().firstValue("Content-Location").orElseThrow(() -> new CliException(
                    ExitCode.SERVER_REFUSED, operation + ": the server accepted the job but named no status URL"));
            progress.accept(operation + " running as a server job: " + statusUrl);
            String last = null;
            while (response.statusCode() == 202) {
                String now = response.headers().firstValue("X-Progress").orElse(null);
                if (now != null && !now.equals(last)) {
                    progress.accept(operation + ": " + now);
                    last = now;
                }
                pause(response.headers().firstValue("Retry-After").orElse("2"), operation);
                response = exchange(operation, HttpRequest.newBuilder(URI.create(statusUrl)).GET());
            }
        }
        if (response.statusCode() / 100 != 2) {
            throw new CliException(ExitCode.SERVER_REFUSED, operation + ": server answered " + response.statusCode()
                    + ": " + diagnosticsOf(response.body()));
        }
        Parameters answer;
        try {
            answer = fhirContext.newJsonParser().parseResource(Parameters.class, response.body());
        } catch (RuntimeException e) {
            throw new CliException(ExitCode.SERVER_REFUSED, operation + ": the server's answer is not a Parameters resource: "
                    + e.getMessage(), e);
        }
        return withCiphertextsInline(operation, answer);
    }

    private HttpResponse<String> exchange(String operation, HttpRequest.Builder builder) {
        builder.header("Accept", Constants.CT_FHIR_JSON_NEW);
        return send(operation, builder, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Sends with this connection's bearer token; an unreachable server or an interruption becomes a CliException. */
    private <T> HttpResponse<T> send(String what, HttpRequest.Builder builder, HttpResponse.BodyHandler<T> body) {
        if (authorization != null) {
            builder.header("Authorization", authorization.get());
        }
        try {
            return http.send(builder.build(), body);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (IOException e) {
            throw new CliException(ExitCode.SERVER_UNREACHABLE, what + " at " + baseUrl + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, what + " interrupted", e);
        }
    }

    /** Waits as long as the server's Retry-After asks, between 1 and 10 seconds. */
    private static void pause(String retryAfter, String operation) {
        long seconds;
        try {
            seconds = Math.max(1, Math.min(10, Long.parseLong(retryAfter.trim())));
        } catch (NumberFormatException e) {
            seconds = 2;
        }
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, operation + " interrupted", e);
        }
    }

    /** {@code GET [base]/$key-set?keySet=ID}: the registered versions of a key set. */
    public Parameters keySet(String keySetId) {
        return fhir("$key-set", () -> client.operation()
                .onServer()
                .named("$key-set")
                .withParameter(Parameters.class, "keySet", new StringType(keySetId))
                .useHttpGet()
                .execute());
    }

    /** {@code POST [base]/$upload-key-set?keySet=ID}, streaming {@code container} (a key-set upload file). */
    public Parameters uploadKeySet(String keySetId, Path container) {
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(container);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot read " + container + ": " + e.getMessage(), e);
        }
        return postBytes("$upload-key-set?keySet=" + encode(keySetId), body);
    }

    /**
     * {@code POST [base]/$import-ciphertext?keySet=ID&keySetVersion=N&count=K} with one serialized ciphertext
     * holding {@code count} values in slots 0..count-1; the answer names the packing group.
     */
    public Parameters importCiphertext(String keySetId, int keySetVersion, int count, byte[] ciphertext) {
        return postBytes("$import-ciphertext?keySet=" + encode(keySetId) + "&keySetVersion=" + keySetVersion
                + "&count=" + count, HttpRequest.BodyPublishers.ofByteArray(ciphertext));
    }

    private Parameters postBytes(String relative, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + "/" + relative))
                .header("Content-Type", "application/octet-stream")
                .header("Accept", Constants.CT_FHIR_JSON_NEW)
                .POST(body);
        String operation = relative.substring(0, relative.indexOf('?'));
        HttpResponse<String> response = send(operation, builder, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            throw new CliException(ExitCode.SERVER_REFUSED, operation + ": server answered " + response.statusCode()
                    + ": " + diagnosticsOf(response.body()));
        }
        try {
            return fhirContext.newJsonParser().parseResource(Parameters.class, response.body());
        } catch (RuntimeException e) {
            throw new CliException(ExitCode.SERVER_REFUSED, operation + ": the server's answer is not a Parameters resource: "
                    + e.getMessage(), e);
        }
    }

    private <T> T fhir(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (FhirClientConnectionException e) {
            throw unreachable(e);
        } catch (BaseServerResponseException e) {
            IBaseOperationOutcome outcome = e.getOperationOutcome();
            String diagnostics = outcome == null ? null : OperationOutcomeUtil.getFirstIssueDiagnostics(fhirContext, outcome);
            throw new CliException(ExitCode.SERVER_REFUSED, operation + ": server answered " + e.getStatusCode() + ": "
                    + (diagnostics == null ? e.getMessage() : diagnostics), e);
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCode.SERVER_UNREACHABLE, operation + " at " + baseUrl + " failed: " + e.getMessage(), e);
        }
    }

    private CliException unreachable(Exception e) {
        return new CliException(ExitCode.SERVER_UNREACHABLE, "cannot reach the server at " + baseUrl
                + " (" + rootMessage(e) + "); is it running? (./homocloud serve, or --server URL)", e);
    }

    private String diagnosticsOf(String body) {
        try {
            OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, body);
            String diagnostics = OperationOutcomeUtil.getFirstIssueDiagnostics(fhirContext, outcome);
            return diagnostics == null ? body : diagnostics;
        } catch (RuntimeException notFhir) {
            return body.length() > 300 ? body.substring(0, 300) + "..." : body;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
