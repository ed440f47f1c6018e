package dev.shortcut.benchmarks.compare;

import dev.shortcut.runtime.kernel.Kernels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The machine and the JVM the comparison ran on, for the header of compare.json and compare.md. */
final class Environment {
  /** The CPU flags that decide which vector code can run (x86 and Arm spellings). */
  private static final Pattern VECTOR_FLAG =
      Pattern.compile("sse4_1|sse4_2|avx|avx2|fma|f16c|avx512.*|avx_vnni.*|amx.*|asimd.*|sve.*|fphp");

  private Environment() {}

  /** The JVM and Shortcut's kernels. */
  static Map<String, Object> java() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jdk", System.getProperty("java.runtime.version"));
    m.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    m.put("vendor", System.getProperty("java.vendor"));
    m.put("kernels", Kernels.implementation());
    m.put("convolution_kernels", Kernels.spatialImplementation());
    m.put("vector_bits_property", System.getProperty("shortcut.vectorBits"));
    m.put("jvm_arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("available_processors", Runtime.getRuntime().availableProcessors());
    m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    return m;
  }

  /** The operating system, and the CPU as /proc/cpuinfo describes it (empty where there is none). */
  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    try {
      m.putAll(cpu(Files.readString(Path.of("/proc/cpuinfo"))));
    } catch (IOException e) {
      m.put("cpu_model", "unknown (" + e.getMessage() + ")");
    }
    return m;
  }

  /** Model, family/model/stepping, logical CPUs and vector flags, from the text of /proc/cpuinfo. */
  static Map<String, Object> cpu(String cpuinfo) {
    Map<String, String> first = new LinkedHashMap<>();
    int processors = 0;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (key.equals("processor")) {
        processors++;
      }
      first.putIfAbsent(key, value);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu_model", first.getOrDefault("model name", first.getOrDefault("CPU part", "unknown")));
    if (first.containsKey("cpu family")) {
      m.put("cpu_family_model_stepping", first.get("cpu family") + "/" + first.get("model") + "/"
          + first.get("stepping"));
    }
    m.put("logical_cpus", processors);
    List<String> flags = new ArrayList<>();
    String all = first.getOrDefault("flags", first.getOrDefault("Features", ""));
    for (String f : all.split("\\s+")) {
      if (VECTOR_FLAG.matcher(f).matches()) {
        flags.add(f);
      }
    }
    m.put("vector_flags", flags);
    return m;
  }

  /** The 1-, 5- and 15-minute load averages: a busy machine shows here before it shows in the figures. */
  static List<Double> loadAverage() {
    try {
      String[] p = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
      return Arrays.stream(p, 0, 3).map(Double::parseDouble).toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
