package org.homocloud.he.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One benchmark result as a flat JSON object, fields in insertion order; nulls are omitted. */
final class JsonLine {

  private final Map<String, Object> fields = new LinkedHashMap<>();

  JsonLine put(String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append('"').append(e.getKey()).append("\":").append(format(e.getValue()));
    }
    return out.append('}').toString();
  }

  private static String format(Object value) {
    if (value instanceof Double d) {
      if (!Double.isFinite(d)) {
        return "null";
      }
      // Three significant decimals are more than the run-to-run noise of this machine.
      return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.3f", d);
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return '"' + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
