package org.homocloud.testing.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;

/**
 * A loopback stand-in for AWS KMS that speaks KMS's wire protocol, for tests and demos where no real KMS can run.
 * The real AWS SDK v2 {@code KmsClient} talks to it unchanged: HTTP POST to {@code /} with
 * {@code Content-Type: application/x-amz-json-1.1} and {@code X-Amz-Target: TrentService.<Operation>}, JSON bodies
 * with KMS's field names (binary fields base64), errors as {@code {"__type": ..., "message": ...}} with KMS's
 * status, and every request's Signature Version 4 recomputed from the registered test credentials
 * ({@link SigV4Verifier}).
 *
 * <p>Operations: CreateKey (SYMMETRIC_DEFAULT, ECC_NIST_P256/P384, RSA_2048/3072/4096 for SIGN_VERIFY), CreateAlias,
 * DescribeKey, Encrypt, Decrypt, GenerateDataKey, Sign (RAW or DIGEST; ECDSA_SHA_256/384, RSASSA_PKCS1_V1_5_SHA_384,
 * RSASSA_PSS_SHA_384), GetPublicKey (DER SubjectPublicKeyInfo), EnableKey, DisableKey, ScheduleKeyDeletion.
 * Symmetric ciphertext blobs embed the key id and are AES-256-GCM under the key's material with the encryption
 * context as associated data, so a wrong key, a changed context or a changed byte fails as on KMS
 * ({@code IncorrectKeyException}, {@code InvalidCiphertextException}). {@link #deny} stands in for a key policy
 * that refuses a principal an action ({@code AccessDeniedException}).
 *
 * <p>Not modelled: grants, policies beyond {@link #deny}, multi-region keys, key rotation, asymmetric encryption,
 * MAC keys, KMS's real ciphertext layout (clients must treat blobs as opaque, as with KMS).
 */
public final class FakeKms implements AutoCloseable {

    public static final String REGION = "eu-central-1";
    public static final String ACCOUNT = "111122223333";
    public static final String ACCESS_KEY_ID = "AKIAHOMOCLOUDTEST01";
    public static final String SECRET_ACCESS_KEY = "homocloud-fake-kms-test-secret-NOT-A-REAL-KEY";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_PLAINTEXT_BYTES = 4096;
    private static final byte BLOB_VERSION = 1;
    /** DER DigestInfo prefix of a SHA-384 digest (RFC 8017, 9.2), for PKCS #1 v1.5 over a given digest. */
    private static final byte[] SHA384_DIGEST_INFO = HexFormat.of().parseHex("3041300d060960864801650304020205000430");

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, FakeKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Set<String> denials = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final SigV4Verifier verifier;

    /** One KMS key: its metadata and material (an AES-256 key, or a key pair). */
    private static final class FakeKey {
        final String id = UUID.randomUUID().toString();
        final String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + id;
        final String keySpec;
        final String keyUsage;
        final String description;
        final double creationDate = System.currentTimeMillis() / 1000.0;
        final byte[] aesKey;
        final KeyPair keyPair;
        volatile String state = "Enabled";

        FakeKey(String keySpec, String keyUsage, String description, byte[] aesKey, KeyPair keyPair) {
            this.keySpec = keySpec;
            this.keyUsage = keyUsage;
            this.description = description;
            this.aesKey = aesKey;
            this.keyPair = keyPair;
        }
    }

    private FakeKms(Clock clock) throws IOException {
        secrets.put(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
        verifier = new SigV4Verifier(secrets, REGION, "kms", clock);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "fake-kms");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** Starts a fake on a free port of 127.0.0.1 that accepts {@link #ACCESS_KEY_ID}/{@link #SECRET_ACCESS_KEY}. */
    public static FakeKms start() {
        try {
            return new FakeKms(Clock.systemUTC());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake KMS on loopback", e);
        }
    }

    /** The endpoint to give the SDK ({@code endpointOverride}) or the CLI ({@code --kms-endpoint}). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Registers another principal's credentials (e.g. one that {@link #deny} restricts). */
    public void addCredentials(String accessKeyId, String secretAccessKey) {
        secrets.put(accessKeyId, secretAccessKey);
    }

    /** Makes every {@code operation} (e.g. {@code "Decrypt"}) by {@code accessKeyId} on the key {@code keyId} fail with AccessDeniedException. */
    public void deny(String accessKeyId, String keyId, String operation) {
        denials.add(accessKeyId + "|" + resolve(keyId).arn + "|" + operation);
    }

    /** How many requests of {@code operation} were answered (successfully or not) since start. */
    public int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    /** Requests of every operation, by operation. */
    public Map<String, Integer> calls() {
        Map<String, Integer> copy = new TreeMap<>();
        calls.forEach((op, count) -> copy.put(op, count.get()));
        return copy;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 200;
            ObjectNode answer;
            try {
                answer = dispatch(exchange, body);
            } catch (KmsError e) {
                status = e.status;
                answer = JSON.createObjectNode().put("__type", e.type).put("message", e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                answer = JSON.createObjectNode().put("__type", "KMSInternalException").put("message", String.valueOf(e));
            }
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.getResponseHeaders().set("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.ZonedDateTime.now(ZoneOffset.UTC)));
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private ObjectNode dispatch(HttpExchange exchange, byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new KmsError(405, "UnknownOperationException", "KMS takes POST only");
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (target == null || !target.startsWith("TrentService.")) {
            throw new KmsError(400, "UnknownOperationException", "missing or foreign X-Amz-Target: " + target);
        }
        String operation = target.substring("TrentService.".length());
        calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        if (contentType == null || !contentType.startsWith("application/x-amz-json-1.1")) {
            throw new KmsError(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1, was " + contentType);
        }
        String principal = verifier.verify("POST", exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
        JsonNode request;
        try {
            request = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
        } catch (IOException e) {
            throw new KmsError(400, "SerializationException", "body is not JSON: " + e.getMessage());
        }
        return switch (operation) {
            case "CreateKey" -> createKey(request);
            case "CreateAlias" -> createAlias(request);
            case "DescribeKey" -> JSON.createObjectNode().set("KeyMetadata", metadata(authorized(principal, request, operation)));
            case "EnableKey" -> setState(authorized(principal, request, operation), "Enabled");
            case "DisableKey" -> setState(authorized(principal, request, operation), "Disabled");
            case "ScheduleKeyDeletion" -> scheduleDeletion(authorized(principal, request, operation));
            case "Encrypt" -> encrypt(usable(principal, request, operation, "ENCRYPT_DECRYPT"), request);
            case "GenerateDataKey" -> generateDataKey(usable(principal, request, operation, "ENCRYPT_DECRYPT"), request);
            case "Decrypt" -> decrypt(principal, request);
            case "Sign" -> sign(usable(principal, request, operation, "SIGN_VERIFY"), request);
            case "GetPublicKey" -> getPublicKey(usable(principal, request, operation, "SIGN_VERIFY"));
            default -> throw new KmsError(400, "UnknownOperationException", "operation " + operation + " is not offered by this fake");
        };
    }

    private ObjectNode createKey(JsonNode request) {
        String keySpec = text(request, "KeySpec", text(request, "CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"));
        String keyUsage = text(request, "KeyUsage", "ENCRYPT_DECRYPT");
        FakeKey key;
        try {
            key = switch (keySpec) {
                case "SYMMETRIC_DEFAULT" -> {
                    requireUsage(keySpec, keyUsage, "ENCRYPT_DECRYPT");
                    byte[] material = new byte[32];
                    RANDOM.nextBytes(material);
                    yield new FakeKey(keySpec, keyUsage, text(request, "Description", ""), material, null);
                }
                case "ECC_NIST_P256", "ECC_NIST_P384" -> {
                    requireUsage(keySpec, keyUsage, "SIGN_VERIFY");
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec(keySpec.equals("ECC_NIST_P256") ? "secp256r1" : "secp384r1"));
                    yield new FakeKey(keySpec, keyUsage, text(request, "Description", ""), null, generator.generateKeyPair());
                }
                case "RSA_2048", "RSA_3072", "RSA_4096" -> {
                    requireUsage(keySpec, keyUsage, "SIGN_VERIFY");
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(Integer.parseInt(keySpec.substring(4)));
                    yield new FakeKey(keySpec, keyUsage, text(request, "Description", ""), null, generator.generateKeyPair());
                }
                default -> throw KmsError.validation("KeySpec " + keySpec + " is not offered by this fake");
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        keys.put(key.id, key);
        return JSON.createObjectNode().set("KeyMetadata", metadata(key));
    }

    private static void requireUsage(String keySpec, String keyUsage, String allowed) {
        if (!keyUsage.equals(allowed)) {
            throw KmsError.validation("KeyUsage " + keyUsage + " is not compatible with KeySpec " + keySpec);
        }
    }

    private ObjectNode createAlias(JsonNode request) {
        String alias = text(request, "AliasName", null);
        if (alias == null || !alias.matches("alias/[a-zA-Z0-9/_-]{1,250}") || alias.startsWith("alias/aws/")) {
            throw KmsError.validation("invalid AliasName " + alias);
        }
        FakeKey target = resolve(text(request, "TargetKeyId", null));
        if (aliases.putIfAbsent(alias, target.id) != null) {
            throw new KmsError(400, "AlreadyExistsException", "An alias with the name " + alias + " already exists");
        }
        return JSON.createObjectNode();
    }

    private ObjectNode setState(FakeKey key, String state) {
        if (key.state.equals("PendingDeletion")) {
            throw new KmsError(400, "KMSInvalidStateException", key.arn + " is pending deletion.");
        }
        key.state = state;
        return JSON.createObjectNode();
    }

    private ObjectNode scheduleDeletion(FakeKey key) {
        key.state = "PendingDeletion";
        return JSON.createObjectNode().put("KeyId", key.arn).put("KeyState", key.state)
                .put("DeletionDate", System.currentTimeMillis() / 1000.0 + 7 * 86400).put("PendingWindowInDays", 7);
    }

    private ObjectNode encrypt(FakeKey key, JsonNode request) {
        byte[] plaintext = blob(request, "Plaintext");
        if (plaintext.length == 0 || plaintext.length > MAX_PLAINTEXT_BYTES) {
            throw KmsError.validation("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                    + "Member must have length less than or equal to " + MAX_PLAINTEXT_BYTES);
        }
        return JSON.createObjectNode().put("KeyId", key.arn)
                .put("CiphertextBlob", base64(seal(key, plaintext, context(request))))
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private ObjectNode generateDataKey(FakeKey key, JsonNode request) {
        String spec = text(request, "KeySpec", null);
        int bytes;
        if (spec != null) {
            bytes = switch (spec) {
                case "AES_256" -> 32;
                case "AES_128" -> 16;
                default -> throw KmsError.validation("KeySpec " + spec + " is not AES_256 or AES_128");
            };
        } else if (request.hasNonNull("NumberOfBytes")) {
            bytes = request.get("NumberOfBytes").asInt();
            if (bytes < 1 || bytes > 1024) {
                throw KmsError.validation("NumberOfBytes must be between 1 and 1024");
            }
        } else {
            throw KmsError.validation("Please specify either number of bytes or key spec.");
        }
        byte[] dataKey = new byte[bytes];
        RANDOM.nextBytes(dataKey);
        return JSON.createObjectNode().put("KeyId", key.arn)
                .put("CiphertextBlob", base64(seal(key, dataKey, context(request))))
                .put("Plaintext", base64(dataKey));
    }

    private ObjectNode decrypt(String principal, JsonNode request) {
        byte[] blob = blob(request, "CiphertextBlob");
        ByteBuffer in = ByteBuffer.wrap(blob);
        if (blob.length < 2 + 36 + 12 + 16 || in.get() != BLOB_VERSION || (in.get() & 0xff) != 36) {
            throw new KmsError(400, "InvalidCiphertextException", null);
        }
        byte[] id = new byte[36];
        in.get(id);
        FakeKey key = keys.get(new String(id, StandardCharsets.US_ASCII));
        if (key == null) {
            throw new KmsError(400, "InvalidCiphertextException", null);
        }
        if (request.hasNonNull("KeyId") && resolve(request.get("KeyId").asText()) != key) {
            throw new KmsError(400, "IncorrectKeyException", "The key ID in the request does not identify a CMK that can "
                    + "perform this operation.");
        }
        checkAllowed(principal, key, "Decrypt");
        checkUsable(key, "ENCRYPT_DECRYPT");
        byte[] nonce = new byte[12];
        in.get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.aesKey, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(context(request));
            byte[] plaintext = cipher.doFinal(sealed);
            return JSON.createObjectNode().put("KeyId", key.arn).put("Plaintext", base64(plaintext))
                    .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        } catch (AEADBadTagException e) {
            // KMS's answer for a changed blob and for a different encryption context alike, with no message.
            throw new KmsError(400, "InvalidCiphertextException", null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode sign(FakeKey key, JsonNode request) {
        byte[] message = blob(request, "Message");
        String messageType = text(request, "MessageType", "RAW");
        String algorithm = text(request, "SigningAlgorithm", null);
        if (!signingAlgorithms(key).contains(algorithm)) {
            throw new KmsError(400, "InvalidKeyUsageException", "Signing algorithm " + algorithm
                    + " is not compatible with key spec " + key.keySpec);
        }
        int digestBytes = algorithm.endsWith("256") ? 32 : 48;
        if (messageType.equals("RAW") && message.length > MAX_PLAINTEXT_BYTES) {
            throw KmsError.validation("Message must be at most 4096 bytes; use MessageType DIGEST");
        }
        if (messageType.equals("DIGEST") && message.length != digestBytes) {
            throw KmsError.validation("Digest is invalid length for algorithm " + algorithm);
        }
        boolean digest = messageType.equals("DIGEST");
        PrivateKey privateKey = key.keyPair.getPrivate();
        byte[] signature;
        try {
            switch (algorithm) {
                case "ECDSA_SHA_256", "ECDSA_SHA_384" -> {
                    Signature ecdsa = Signature.getInstance(digest ? "NONEwithECDSA" : algorithm.endsWith("256")
                            ? "SHA256withECDSA" : "SHA384withECDSA");
                    ecdsa.initSign(privateKey);
                    ecdsa.update(message);
                    signature = ecdsa.sign();
                }
                case "RSASSA_PKCS1_V1_5_SHA_384" -> {
                    Signature rsa = Signature.getInstance(digest ? "NONEwithRSA" : "SHA384withRSA");
                    rsa.initSign(privateKey);
                    if (digest) {
                        rsa.update(SHA384_DIGEST_INFO);
                    }
                    rsa.update(message);
                    signature = rsa.sign();
                }
                case "RSASSA_PSS_SHA_384" -> signature = digest ? pssOfDigest((RSAPrivateCrtKey) privateKey, message)
                        : pss(privateKey, message);
                default -> throw new IllegalStateException(algorithm);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return JSON.createObjectNode().put("KeyId", key.arn).put("Signature", base64(signature))
                .put("SigningAlgorithm", algorithm);
    }

    private static byte[] pss(PrivateKey key, byte[] message) throws GeneralSecurityException {
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1));
        pss.initSign(key);
        pss.update(message);
        return pss.sign();
    }

    /** PSS over a digest the caller computed: Bouncy Castle's raw signer (the JDK hashes the message itself). */
    private static byte[] pssOfDigest(RSAPrivateCrtKey key, byte[] digest) {
        PSSSigner signer = PSSSigner.createRawSigner(new RSABlindedEngine(), new SHA384Digest(), new SHA384Digest(), 48,
                PSSSigner.TRAILER_IMPLICIT);
        signer.init(true, new RSAPrivateCrtKeyParameters(key.getModulus(), key.getPublicExponent(), key.getPrivateExponent(),
                key.getPrimeP(), key.getPrimeQ(), key.getPrimeExponentP(), key.getPrimeExponentQ(), key.getCrtCoefficient()));
        signer.update(digest, 0, digest.length);
        try {
            return signer.generateSignature();
        } catch (org.bouncycastle.crypto.CryptoException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode getPublicKey(FakeKey key) {
        ObjectNode answer = JSON.createObjectNode().put("KeyId", key.arn)
                .put("PublicKey", base64(key.keyPair.getPublic().getEncoded()))
                .put("KeySpec", key.keySpec).put("CustomerMasterKeySpec", key.keySpec).put("KeyUsage", key.keyUsage);
        ArrayNode algorithms = answer.putArray("SigningAlgorithms");
        signingAlgorithms(key).forEach(algorithms::add);
        return answer;
    }

    private static List<String> signingAlgorithms(FakeKey key) {
        return switch (key.keySpec) {
            case "ECC_NIST_P256" -> List.of("ECDSA_SHA_256");
            case "ECC_NIST_P384" -> List.of("ECDSA_SHA_384");
            case "RSA_2048", "RSA_3072", "RSA_4096" -> List.of("RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PSS_SHA_384");
            default -> List.of();
        };
    }

    private ObjectNode metadata(FakeKey key) {
        ObjectNode metadata = JSON.createObjectNode()
                .put("AWSAccountId", ACCOUNT).put("KeyId", key.id).put("Arn", key.arn)
                .put("CreationDate", key.creationDate).put("Enabled", key.state.equals("Enabled"))
                .put("Description", key.description).put("KeyUsage", key.keyUsage).put("KeyState", key.state)
                .put("Origin", "AWS_KMS").put("KeyManager", "CUSTOMER")
                .put("CustomerMasterKeySpec", key.keySpec).put("KeySpec", key.keySpec).put("MultiRegion", false);
        if (key.aesKey != null) {
            metadata.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        } else {
            ArrayNode algorithms = metadata.putArray("SigningAlgorithms");
            signingAlgorithms(key).forEach(algorithms::add);
        }
        return metadata;
    }

    /** The request's key, which must exist and not be denied to the caller for {@code operation}. */
    private FakeKey authorized(String principal, JsonNode request, String operation) {
        FakeKey key = resolve(text(request, "KeyId", null));
        checkAllowed(principal, key, operation);
        return key;
    }

    /** As {@link #authorized}, and enabled, with {@code usage}. */
    private FakeKey usable(String principal, JsonNode request, String operation, String usage) {
        FakeKey key = authorized(principal, request, operation);
        checkUsable(key, usage);
        return key;
    }

    private void checkAllowed(String principal, FakeKey key, String operation) {
        if (denials.contains(principal + "|" + key.arn + "|" + operation)) {
            throw new KmsError(400, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/" + principal
                    + " is not authorized to perform: kms:" + operation + " on resource: " + key.arn
                    + " because no identity-based policy allows the kms:" + operation + " action");
        }
    }

    private static void checkUsable(FakeKey key, String usage) {
        switch (key.state) {
            case "Disabled" -> throw new KmsError(400, "DisabledException", key.arn + " is disabled.");
            case "PendingDeletion" -> throw new KmsError(400, "KMSInvalidStateException", key.arn + " is pending deletion.");
            default -> { }
        }
        if (!key.keyUsage.equals(usage)) {
            throw new KmsError(400, "InvalidKeyUsageException", "KeyUsage " + key.keyUsage + " of " + key.arn
                    + " does not allow this operation");
        }
    }

    /** A key id, key ARN, alias name or alias ARN, as KMS accepts them. */
    private FakeKey resolve(String keyId) {
        if (keyId == null || keyId.isEmpty()) {
            throw KmsError.validation("1 validation error detected: Value null at 'keyId' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        String id = keyId;
        String arnPrefix = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":";
        if (id.startsWith("arn:")) {
            if (!id.startsWith(arnPrefix)) {
                throw KmsError.notFound(keyId);
            }
            id = id.substring(arnPrefix.length());
            if (id.startsWith("key/")) {
                id = id.substring(4);
            }
        }
        if (id.startsWith("alias/")) {
            String target = aliases.get(id);
            if (target == null) {
                throw new KmsError(400, "NotFoundException", "Alias " + arnPrefix + id + " is not found.");
            }
            id = target;
        }
        FakeKey key = keys.get(id);
        if (key == null) {
            throw KmsError.notFound(arnPrefix + "key/" + id);
        }
        return key;
    }

    /** version | id length | key id | nonce | AES-256-GCM(plaintext) with the encryption context as associated data. */
    private static byte[] seal(FakeKey key, byte[] plaintext, byte[] context) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.aesKey, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] id = key.id.getBytes(StandardCharsets.US_ASCII);
            return ByteBuffer.allocate(2 + id.length + nonce.length + sealed.length)
                    .put(BLOB_VERSION).put((byte) id.length).put(id).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The encryption context in a canonical form (sorted keys): the same map gives the same bytes. */
    private static byte[] context(JsonNode request) {
        TreeMap<String, String> sorted = new TreeMap<>();
        JsonNode context = request.get("EncryptionContext");
        if (context != null && context.isObject()) {
            context.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        }
        try {
            return JSON.writeValueAsBytes(sorted);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode request, String field, String otherwise) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? otherwise : value.asText();
    }

    private static byte[] blob(JsonNode request, String field) {
        String value = text(request, field, null);
        if (value == null) {
            throw KmsError.validation("1 validation error detected: Value null at '" + field + "' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new KmsError(400, "SerializationException", field + " is not base64");
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** SHA-384 of {@code bytes}; tests use it to check DIGEST signatures. */
    public static byte[] sha384(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-384").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "FakeKms[" + endpoint() + ", " + keys.size() + " keys]";
    }
}
