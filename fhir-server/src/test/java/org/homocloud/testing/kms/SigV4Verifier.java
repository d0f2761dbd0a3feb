package org.homocloud.testing.kms;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an AWS Signature Version 4 {@code Authorization} header the way AWS does: rebuilds the canonical
 * request from the HTTP request as received (method, path, query, the signed headers, the SHA-256 of the body),
 * derives the signing key from the secret of the named access key, date, region and service, and compares the
 * HMAC-SHA256 with the one sent. Nothing is taken on trust from the client beyond the access key id.
 */
final class SigV4Verifier {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([a-z0-9;\\-]+),\\s*Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** AWS refuses requests whose X-Amz-Date is further than this from its clock. */
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final Map<String, String> secretsByAccessKey;
    private final String region;
    private final String service;
    private final Clock clock;

    SigV4Verifier(Map<String, String> secretsByAccessKey, String region, String service, Clock clock) {
        this.secretsByAccessKey = secretsByAccessKey;
        this.region = region;
        this.service = service;
        this.clock = clock;
    }

    /** Returns the authenticated access key id, or throws the error AWS would answer. */
    String verify(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null) {
            throw new KmsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            throw new KmsError(400, "IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'Signature' and 'SignedHeaders' parameters for AWS4-HMAC-SHA256");
        }
        String accessKey = m.group(1);
        String date = m.group(2);
        String scopeRegion = m.group(3);
        String scopeService = m.group(4);
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        String signature = m.group(6);
        String secret = secretsByAccessKey.get(accessKey);
        if (secret == null) {
            throw new KmsError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!scopeRegion.equals(region) || !scopeService.equals(service)) {
            throw new KmsError(400, "InvalidSignatureException", "Credential should be scoped to a valid region and service: "
                    + scopeRegion + "/" + scopeService + " is not " + region + "/" + service);
        }
        String amzDate = headers.getFirst("X-Amz-Date");
        if (amzDate == null || !signedHeaders.contains("x-amz-date") || !signedHeaders.contains("host")) {
            throw new KmsError(400, "IncompleteSignatureException", "host and x-amz-date must be signed");
        }
        Instant sent = Instant.from(AMZ_DATE.parse(amzDate));
        if (!amzDate.startsWith(date)) {
            throw new KmsError(400, "InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from X-Amz-Date");
        }
        if (Duration.between(sent, clock.instant()).abs().compareTo(MAX_SKEW) > 0) {
            throw new KmsError(400, "InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(clock.instant().minus(MAX_SKEW)));
        }
        StringBuilder canonical = new StringBuilder()
                .append(method).append('\n')
                .append(rawPath == null || rawPath.isEmpty() ? "/" : rawPath).append('\n')
                .append(rawQuery == null ? "" : rawQuery).append('\n');
        for (String name : signedHeaders) {
            List<String> values = headers.get(name);
            if (values == null) {
                throw new KmsError(400, "InvalidSignatureException", "signed header " + name + " is missing");
            }
            canonical.append(name).append(':')
                    .append(String.join(",", values.stream().map(v -> v.strip().replaceAll(" +", " ")).toList()))
                    .append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n').append(hex(sha256(body)));
        String scope = date + "/" + scopeRegion + "/" + scopeService + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, scopeRegion);
        key = hmac(key, scopeService);
        key = hmac(key, "aws4_request");
        byte[] expected = hmac(key, stringToSign);
        if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(signature.toLowerCase(Locale.ROOT)))) {
            throw new KmsError(400, "InvalidSignatureException", "The request signature we calculated does not match the "
                    + "signature you provided. Check your AWS Secret Access Key and signing method.");
        }
        return accessKey;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
