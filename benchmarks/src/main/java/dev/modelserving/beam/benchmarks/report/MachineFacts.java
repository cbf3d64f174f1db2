package dev.modelserving.beam.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** What the figures were measured on: processor, cores, JVM, library versions and date. */
public record MachineFacts(Map<String, String> facts) {

  /** The facts of this JVM and machine, now. */
  public static MachineFacts current() {
    Map<String, String> f = new LinkedHashMap<>();
    Runtime rt = Runtime.getRuntime();
    f.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    f.put("cores (available to the JVM)", Integer.toString(rt.availableProcessors()));
    f.put("processor", cpuModel());
    f.put("memory", memory());
    f.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vm.vendor") + ")");
    f.put("max heap of the benchmark JVM", (rt.maxMemory() >> 20) + " MiB");
    f.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    f.putAll(versions());
    return new MachineFacts(java.util.Collections.unmodifiableMap(f));
  }

  /** The library versions the module was built with (from its filtered resource). */
  static Map<String, String> versions() {
    Map<String, String> v = new LinkedHashMap<>();
    Properties p = new Properties();
    try (InputStream in = MachineFacts.class.getResourceAsStream("/benchmark-versions.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // versions are informative only
    }
    for (String name : List.of("beam", "flink", "jpmml", "tensorflow", "jmh")) {
      String value = p.getProperty(name);
      if (value != null && !value.startsWith("${")) {
        v.put(name, value);
      }
    }
    return v;
  }

  private static String cpuModel() {
    Path cpuinfo = Paths.get("/proc/cpuinfo");
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux, or not readable
    }
    return "unknown";
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return (kib >> 20) + " GiB";
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux, or not readable
    }
    return "unknown";
  }
}
