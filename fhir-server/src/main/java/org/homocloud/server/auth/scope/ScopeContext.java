package org.homocloud.server.auth.scope;

/**
 * Whose data a SMART scope reaches: the patient in the launch context, what the signed-in user may see, or
 * (Backend Services) everything the client was registered for.
 */
public enum ScopeContext {
    PATIENT("patient"),
    USER("user"),
    SYSTEM("system");

    private final String prefix;

    ScopeContext(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    static ScopeContext fromPrefix(String prefix) {
        for (ScopeContext context : values()) {
            if (context.prefix.equals(prefix)) {
                return context;
            }
        }
        return null;
    }
}
