package org.homocloud.server.auth.scope;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART resource scope, v2 ({@code patient/Observation.rs?category=laboratory}) or v1
 * ({@code user/*.read}), parsed into its context, resource type, permissions and search restrictions.
 *
 * <p>v1 suffixes map to v2 letters as the SMART App Launch 2.x specification says: {@code read} is {@code rs},
 * {@code write} is {@code cud}, {@code *} is {@code cruds}. v2 letters must appear in {@code cruds} order and
 * at most once; anything else is not a resource scope and {@link #parse} returns empty.
 *
 * @param context whose data the scope reaches
 * @param resourceType a FHIR resource type name, or {@code *} for every type
 * @param permissions the interactions granted
 * @param restrictions granular search parameters ({@code code}, {@code category}, ...) every granted
 *     resource must match; empty for an unrestricted scope. v1 scopes never carry restrictions.
 */
public record SmartScope(
        ScopeContext context, String resourceType, Set<Permission> permissions, Map<String, String> restrictions) {

    public static final String ANY_TYPE = "*";

    private static final Pattern RESOURCE_SCOPE =
            Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.(read|write|\\*|[cruds]+)(?:\\?(.+))?");
    private static final Pattern RESTRICTION = Pattern.compile("([a-z][a-z0-9_-]*(?::[a-z-]+)?)=([^&=]+)");

    public SmartScope {
        permissions = Collections.unmodifiableSet(EnumSet.copyOf(permissions));
        restrictions = Collections.unmodifiableMap(new LinkedHashMap<>(restrictions));
    }

    /** Parses one scope string; empty when it is not a SMART resource scope (e.g. {@code openid}, {@code launch}). */
    public static Optional<SmartScope> parse(String scope) {
        Matcher matcher = RESOURCE_SCOPE.matcher(scope);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        ScopeContext context = ScopeContext.fromPrefix(matcher.group(1));
        String suffix = matcher.group(3);
        String query = matcher.group(4);
        Set<Permission> permissions;
        switch (suffix) {
            case "read" -> permissions = EnumSet.of(Permission.READ, Permission.SEARCH);
            case "write" -> permissions = EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
            case "*" -> permissions = EnumSet.allOf(Permission.class);
            default -> {
                Optional<Set<Permission>> letters = lettersInOrder(suffix);
                if (letters.isEmpty()) {
                    return Optional.empty();
                }
                permissions = letters.get();
            }
        }
        Map<String, String> restrictions = new LinkedHashMap<>();
        if (query != null) {
            if (isVersion1Suffix(suffix)) {
                return Optional.empty();
            }
            for (String pair : query.split("&")) {
                Matcher restriction = RESTRICTION.matcher(pair);
                if (!restriction.matches() || restrictions.containsKey(restriction.group(1))) {
                    return Optional.empty();
                }
                restrictions.put(restriction.group(1), restriction.group(2));
            }
        }
        return Optional.of(new SmartScope(context, matcher.group(2), permissions, restrictions));
    }

    private static boolean isVersion1Suffix(String suffix) {
        return suffix.equals("read") || suffix.equals("write") || suffix.equals("*");
    }

    private static Optional<Set<Permission>> lettersInOrder(String letters) {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        int previous = -1;
        for (char letter : letters.toCharArray()) {
            Permission permission = byLetter(letter);
            if (permission.ordinal() <= previous) {
                return Optional.empty();
            }
            previous = permission.ordinal();
            permissions.add(permission);
        }
        return Optional.of(permissions);
    }

    private static Permission byLetter(char letter) {
        for (Permission permission : Permission.values()) {
            if (permission.letter() == letter) {
                return permission;
            }
        }
        throw new IllegalArgumentException("not a SMART permission letter: " + letter);
    }

    public boolean appliesTo(String type) {
        return resourceType.equals(ANY_TYPE) || resourceType.equals(type);
    }

    public boolean grants(Permission permission) {
        return permissions.contains(permission);
    }

    public boolean isRestricted() {
        return !restrictions.isEmpty();
    }

    /**
     * Whether every access this scope grants is also granted by {@code other}: same context, a type {@code other}
     * covers, a subset of its letters, and at least its restrictions. Used so that a client registered for
     * {@code patient/*.cruds} may ask for {@code patient/Observation.rs?category=laboratory}.
     */
    public boolean isNarrowerThanOrEqualTo(SmartScope other) {
        return context == other.context
                && other.appliesTo(resourceType)
                && other.permissions.containsAll(permissions)
                && restrictions.entrySet().containsAll(other.restrictions.entrySet());
    }

    /** The v2 form of this scope ({@code patient/Observation.rs?category=laboratory}). */
    public String toV2String() {
        StringBuilder text = new StringBuilder(context.prefix()).append('/').append(resourceType).append('.');
        permissions.forEach(p -> text.append(p.letter()));
        if (!restrictions.isEmpty()) {
            text.append('?');
            restrictions.forEach((name, value) -> text.append(name).append('=').append(value).append('&'));
            text.setLength(text.length() - 1);
        }
        return text.toString();
    }
}
