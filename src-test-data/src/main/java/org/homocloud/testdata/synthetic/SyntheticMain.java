package org.homocloud.testdata.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes synthetic patients for server loads:
 * {@code SyntheticMain --patients N [--seed S] [--format ndjson|bundle] [--bundle-size K] --out PATH}.
 * NDJSON goes to one file; bundles go to PATH/bundle-0001.json, ... with K patients each
 * (default 100), ready to POST to the FHIR base.
 */
public final class SyntheticMain {

  private SyntheticMain() {}

  public static void main(String[] args) throws IOException {
    int patients = -1;
    long seed = 1;
    String format = "ndjson";
    int bundleSize = 100;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--patients" -> patients = Integer.parseInt(require(value, "--patients"));
        case "--seed" -> seed = Long.parseLong(require(value, "--seed"));
        case "--format" -> format = require(value, "--format");
        case "--bundle-size" -> bundleSize = Integer.parseInt(require(value, "--bundle-size"));
        case "--out" -> out = Path.of(require(value, "--out"));
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; use --patients N [--seed S] [--format ndjson|bundle] [--bundle-size K] --out PATH");
      }
      i++;
    }
    if (patients < 1 || out == null) {
      throw new IllegalArgumentException("give --patients (at least 1) and --out");
    }
    SyntheticGenerator generator = new SyntheticGenerator(seed);
    FhirWriter writer = new FhirWriter();
    switch (format) {
      case "ndjson" -> {
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
          for (int first = 0; first < patients; first += 1000) {
            writer.writeNdjson(range(generator, first, Math.min(patients, first + 1000)), w);
          }
        }
      }
      case "bundle" -> {
        Files.createDirectories(out);
        for (int first = 0, n = 1; first < patients; first += bundleSize, n++) {
          try (OutputStream o = Files.newOutputStream(out.resolve(String.format("bundle-%04d.json", n)))) {
            writer.writeBundle(range(generator, first, Math.min(patients, first + bundleSize)), o);
          }
        }
      }
      default -> throw new IllegalArgumentException("format must be ndjson or bundle: " + format);
    }
  }

  private static List<SyntheticPatient> range(SyntheticGenerator generator, int from, int to) {
    return java.util.stream.IntStream.range(from, to).mapToObj(generator::patient).toList();
  }

  private static String require(String value, String option) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
