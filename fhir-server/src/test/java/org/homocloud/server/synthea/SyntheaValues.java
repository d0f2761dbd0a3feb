package org.homocloud.server.synthea;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every Observation quantity value of a Synthea bundle, read from the raw JSON so that each keeps its
 * decimal string exactly as sent, with the code, effective time and unit that identify it.
 */
public record SyntheaValues(List<Value> values) {

    /** One value: {@code key} is code, effective time and path; {@code text} the decimal as written in the file. */
    public record Value(String key, String text, double value, String unit) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public static SyntheaValues read(Path bundle) {
        JsonNode root;
        try {
            root = JSON.readTree(bundle.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + bundle, e);
        }
        List<Value> values = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            JsonNode resource = entry.path("resource");
            if (!"Observation".equals(resource.path("resourceType").asText())) {
                continue;
            }
            String code = resource.path("code").path("coding").path(0).path("code").asText();
            String when = resource.path("effectiveDateTime").asText();
            add(values, code + "@" + when + "#valueQuantity", resource.path("valueQuantity"));
            JsonNode components = resource.path("component");
            for (int i = 0; i < components.size(); i++) {
                add(values, code + "@" + when + "#component[" + i + "].valueQuantity", components.get(i).path("valueQuantity"));
            }
        }
        return new SyntheaValues(values);
    }

    private static void add(List<Value> values, String key, JsonNode quantity) {
        JsonNode value = quantity.path("value");
        if (value.isNumber()) {
            values.add(new Value(key, value.decimalValue().toString(), value.doubleValue(), quantity.path("code").asText()));
        }
    }
}
