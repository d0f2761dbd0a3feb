package org.homocloud.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser's part in App Launch: cookies, the login form with its CSRF token, redirects followed by hand. */
final class BrowserSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final String origin;
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    BrowserSession(String origin) {
        this.origin = origin;
    }

    HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(absolute(url))).header("Accept", "text/html").GET().build());
    }

    /** Signs in through the login form; returns the response to the form post (a redirect). */
    HttpResponse<String> login(String username, String password) {
        HttpResponse<String> form = get("/login");
        Matcher csrf = CSRF.matcher(form.body());
        if (!csrf.find()) {
            throw new IllegalStateException("no CSRF token on the login page: " + form.body());
        }
        return send(HttpRequest.newBuilder(URI.create(origin + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(SecuredServer.formBody(
                        Map.of("username", username, "password", password, "_csrf", csrf.group(1)))))
                .build());
    }

    static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("no redirect; status " + response.statusCode()));
    }

    private String absolute(String url) {
        return url.startsWith("http") ? url : origin + url;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
