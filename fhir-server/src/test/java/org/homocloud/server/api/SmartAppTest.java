package org.homocloud.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.homocloud.server.support.ServerTestBase;
import org.junit.jupiter.api.Test;

/** The SMART app that the smart-app module builds is served by the same server at /app. */
class SmartAppTest extends ServerTestBase {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @Test
    void app_servesBuiltIndexPage_withAssetsUnderApp() throws Exception {
        HttpResponse<String> page = get("/app");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<div id=\"root\">").contains("/app/assets/");
    }

    @Test
    void app_servesItsScript() throws Exception {
        String index = get("/app/").body();
        String script = index.replaceAll("(?s).*src=\"(/app/assets/[^\"]+\\.js)\".*", "$1");

        HttpResponse<String> asset = get(script);

        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
