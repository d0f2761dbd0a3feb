package org.homocloud.server.async;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A client of FHIR's asynchronous request pattern, as tests need it: submit with {@code Prefer: respond-async},
 * poll the status URL, remember every {@code X-Progress} seen, cancel with DELETE.
 */
final class AsyncHttp {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;
    final List<String> progressSeen = new ArrayList<>();

    AsyncHttp(String token) {
        this.token = token;
    }

    HttpResponse<String> get(String url, boolean respondAsync) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET()
                .header("Accept", "application/fhir+json");
        if (respondAsync) {
            request.header("Prefer", "respond-async");
        }
        return send(request);
    }

    /** GET {@code url} as raw bytes ({@code Accept: application/octet-stream}), e.g. a Binary's content. */
    HttpResponse<byte[]> getBytes(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "application/octet-stream")
                .header("Authorization", "Bearer " + token).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> delete(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    }

    /** Submits {@code url} asynchronously; answers the status URL from {@code Content-Location} (after a 202). */
    String submit(String url) {
        HttpResponse<String> accepted = get(url, true);
        if (accepted.statusCode() != 202) {
            throw new AssertionError("expected 202 Accepted, got " + accepted.statusCode() + ": " + accepted.body());
        }
        return accepted.headers().firstValue("Content-Location")
                .orElseThrow(() -> new AssertionError("202 without Content-Location"));
    }

    /** Polls until the status URL answers something other than 202 (or {@code until} holds for a 202). */
    HttpResponse<String> pollUntil(String statusUrl, Duration timeout, Predicate<HttpResponse<String>> until) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            HttpResponse<String> response = get(statusUrl, false);
            if (response.statusCode() == 202) {
                response.headers().firstValue("X-Progress").ifPresent(progressSeen::add);
                if (response.headers().firstValue("Retry-After").isEmpty()) {
                    throw new AssertionError("202 from the status URL without Retry-After");
                }
            }
            if (response.statusCode() != 202 || until.test(response)) {
                return response;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job still running after " + timeout + "; progress seen: " + progressSeen);
            }
            sleep(100);
        }
    }

    HttpResponse<String> pollToEnd(String statusUrl, Duration timeout) {
        return pollUntil(statusUrl, timeout, response -> false);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
