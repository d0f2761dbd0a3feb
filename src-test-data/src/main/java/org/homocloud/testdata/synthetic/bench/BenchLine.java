package org.homocloud.testdata.synthetic.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One benchmark result printed as a JSON object on one line of standard output. */
final class BenchLine {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode node = MAPPER.createObjectNode();

  BenchLine(String suite, String metric) {
    node.put("suite", suite);
    node.put("metric", metric);
  }

  BenchLine put(String key, double value) {
    // Four significant digits are more than the run-to-run noise of this machine.
    node.put(key, Double.isFinite(value) ? Double.parseDouble(String.format(java.util.Locale.ROOT, "%.4g", value)) : null);
    return this;
  }

  BenchLine put(String key, long value) {
    node.put(key, value);
    return this;
  }

  BenchLine put(String key, String value) {
    node.put(key, value);
    return this;
  }

  BenchLine put(String key, boolean value) {
    node.put(key, value);
    return this;
  }

  void print() {
    System.out.println(node.toString());
    System.out.flush();
  }
}
