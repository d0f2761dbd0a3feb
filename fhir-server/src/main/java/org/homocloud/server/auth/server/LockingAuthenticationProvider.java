package org.homocloud.server.auth.server;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Form-login authentication against {@link UserAccounts} that feeds {@link LoginLockout}: every wrong password
 * counts, and a locked account is refused (as locked) even with the right one.
 */
public final class LockingAuthenticationProvider implements AuthenticationProvider {

    private final DaoAuthenticationProvider passwords;
    private final LoginLockout lockout;

    public LockingAuthenticationProvider(UserAccounts users, LoginLockout lockout) {
        this.passwords = new DaoAuthenticationProvider(users.passwordEncoder());
        this.passwords.setUserDetailsService(users);
        this.lockout = lockout;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = authentication.getName();
        try {
            Authentication result = passwords.authenticate(authentication);
            lockout.recordSuccess(username);
            return result;
        } catch (BadCredentialsException e) {
            lockout.recordFailure(username);
            throw e;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return passwords.supports(authentication);
    }
}
