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
import java.util.stream.Stream;

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

  /**
   * The cores other processes kept busy over {@code millis}: the machine's busy time from
   * {@code /proc/stat} less this process's and its children's (the PyTorch server) from
   * {@code /proc/<pid>/stat}. Unlike the load average, the benchmark's own rows and the build before
   * it do not count. NaN where {@code /proc} cannot be read.
   */
  static double coresBusyByOthers(long millis) {
    try {
      long[] before = {machineBusyTicks(Files.readString(Path.of("/proc/stat"))), ownTicks()};
      long start = System.nanoTime();
      Thread.sleep(millis);
      long[] after = {machineBusyTicks(Files.readString(Path.of("/proc/stat"))), ownTicks()};
      double seconds = (System.nanoTime() - start) / 1e9;
      return othersBusy(before, after, seconds, CLOCK_TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** Linux's USER_HZ, the unit of both files' times, on every architecture it runs on today. */
  static final int CLOCK_TICKS_PER_SECOND = 100;

  /** Cores busy by others: the machine's busy ticks less ours, over the window, per second. */
  static double othersBusy(long[] before, long[] after, double seconds, int ticksPerSecond) {
    double others = (after[0] - before[0]) - (after[1] - before[1]);
    return Math.max(0, others / ticksPerSecond / seconds);
  }

  /** The busy ticks of all CPUs together: the first line of /proc/stat, all but idle and iowait. */
  static long machineBusyTicks(String procStat) {
    String[] f = procStat.lines().findFirst().orElseThrow().trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("not /proc/stat: " + f[0]);
    }
    long busy = 0;
    for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  /** User and system ticks of one process from its /proc/<pid>/stat (fields 14 and 15). */
  static long processTicks(String pidStat) {
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    String[] f = pidStat.substring(pidStat.lastIndexOf(')') + 2).trim().split("\\s+");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long ownTicks() {
    return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
        .mapToLong(Environment::ticksOf)
        .sum();
  }

  /** A process's ticks, or 0 for a child that has just exited (its time is no longer anyone's). */
  private static long ticksOf(ProcessHandle p) {
    try {
      return processTicks(Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")));
    } catch (IOException e) {
      return 0;
    }
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
