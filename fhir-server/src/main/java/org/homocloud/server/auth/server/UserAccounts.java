package org.homocloud.server.auth.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The people who sign in to the embedded authorization server, kept (owner-only) in {@value #FILE} with
 * bcrypt password hashes. There is no default password: on first start an {@code admin} account is created
 * with a random password that is printed once and stored only as a hash.
 */
public final class UserAccounts implements UserDetailsService {

    public static final String FILE = "users.json";
    public static final String ADMIN = "admin";

    private static final Logger log = LoggerFactory.getLogger(UserAccounts.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final PasswordEncoder passwordEncoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final LoginLockout lockout;
    private final Map<String, Account> accounts = new LinkedHashMap<>();

    /**
     * A sign-in account.
     *
     * @param username the login name
     * @param passwordHash the password's hash in Spring Security's {@code {id}hash} form
     * @param fhirUser the FHIR resource that is this person ({@code Practitioner/123}), or blank
     * @param patient the Patient id a standalone {@code launch/patient} puts in context, or blank
     */
    public record Account(String username, String passwordHash, String fhirUser, String patient) {}

    private UserAccounts(Path file, LoginLockout lockout) {
        this.file = file;
        this.lockout = lockout;
    }

    /** Loads the accounts file; on first start creates it with an {@code admin} account and prints its password. */
    public static UserAccounts loadOrCreate(Path authDir, LoginLockout lockout) {
        UserAccounts users = new UserAccounts(authDir.resolve(FILE), lockout);
        if (Files.exists(users.file)) {
            try {
                List<Account> stored = JSON.readValue(OwnerOnlyFiles.readString(users.file), new TypeReference<>() {});
                stored.forEach(a -> users.accounts.put(a.username(), a));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("user accounts file " + users.file.toAbsolutePath()
                        + " is not valid: " + e.getOriginalMessage(), e);
            }
        } else {
            String password = randomPassword();
            users.add(ADMIN, password, "", "");
            // Printed once, on the first start only; the file holds nothing but its hash.
            String notice = "\n==========================================================================\n"
                    + " Homocloud: created sign-in account '" + ADMIN + "' with password\n\n     " + password
                    + "\n\n It is shown only this once; only its hash is stored in " + users.file.toAbsolutePath()
                    + "\n==========================================================================\n";
            System.out.println(notice);
            log.warn("Created the '{}' account on first start; its password was printed to standard output once", ADMIN);
        }
        return users;
    }

    /** Adds or replaces an account, storing only the password's hash. */
    public synchronized void add(String username, String password, String fhirUser, String patient) {
        if (username == null || username.isBlank() || password == null || password.length() < 12) {
            throw new IllegalArgumentException("an account needs a username and a password of at least 12 characters");
        }
        accounts.put(username, new Account(username, passwordEncoder.encode(password),
                fhirUser == null ? "" : fhirUser, patient == null ? "" : patient));
        try {
            OwnerOnlyFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(accounts.values()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write user accounts", e);
        }
    }

    public synchronized Optional<Account> find(String username) {
        return Optional.ofNullable(accounts.get(username));
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        Account account = find(username).orElseThrow(() -> new UsernameNotFoundException("no such user"));
        return User.withUsername(account.username())
                .password(account.passwordHash())
                .accountLocked(lockout.isLocked(username))
                .roles("USER")
                .build();
    }

    public PasswordEncoder passwordEncoder() {
        return passwordEncoder;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
