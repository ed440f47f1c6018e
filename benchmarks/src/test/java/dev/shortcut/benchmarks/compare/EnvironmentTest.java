package dev.shortcut.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  @Test
  void readsModelAndVectorFlagsFromTheFirstProcessorAndCountsThemAll() {
    String cpuinfo = String.join("\n",
        "processor\t: 0",
        "vendor_id\t: AuthenticAMD",
        "cpu family\t: 25",
        "model\t\t: 17",
        "model name\t: AMD EPYC 9R14",
        "stepping\t: 1",
        "flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512bw avx512_vnni sha_ni",
        "",
        "processor\t: 1",
        "model name\t: something else",
        "flags\t\t: fpu",
        "");
    Map<String, Object> cpu = Environment.cpu(cpuinfo);
    assertEquals("AMD EPYC 9R14", cpu.get("cpu_model"));
    assertEquals("25/17/1", cpu.get("cpu_family_model_stepping"));
    assertEquals(2, cpu.get("logical_cpus"));
    assertEquals(List.of("fma", "sse4_1", "sse4_2", "avx", "f16c", "avx2", "avx512f", "avx512bw", "avx512_vnni"),
        cpu.get("vector_flags"));
  }

  @Test
  void armSpellsItsVectorFlagsAsFeatures() {
    Map<String, Object> cpu = Environment.cpu("processor\t: 0\nFeatures\t: fp asimd evtstrm sve sve2 crc32\n"
        + "CPU part\t: 0xd40\n");
    assertEquals(List.of("asimd", "sve", "sve2"), cpu.get("vector_flags"));
    assertEquals("0xd40", cpu.get("cpu_model"));
  }

  @Test
  void othersAreTheMachinesBusyTimeLessThisRunsOwn() {
    String stat = "cpu  1000 20 300 9000 50 7 3 11 0 0\ncpu0 500 10 150 4500 25 3 1 5 0 0\n";
    assertEquals(1000 + 20 + 300 + 7 + 3 + 11, Environment.machineBusyTicks(stat), "idle and iowait left out");
    // A command name with spaces and a parenthesis: fields are counted from after its last ')'.
    String pid = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 56 0 0 20 0 30 0 100 0 0";
    assertEquals(1234 + 56, Environment.processTicks(pid));
    // Over 2 s the machine was busy for 300 ticks, 100 of them ours: others kept one core busy.
    assertEquals(1.0, Environment.othersBusy(new long[] {1000, 50}, new long[] {1300, 150}, 2.0, 100), 1e-12);
    assertEquals(0.0, Environment.othersBusy(new long[] {1000, 50}, new long[] {1100, 160}, 2.0, 100), 1e-12,
        "our ticks counted a little ahead of the machine's is not negative load");
    double measured = Environment.coresBusyByOthers(200);
    assertTrue(measured >= 0 && measured <= Runtime.getRuntime().availableProcessors() + 0.5, "" + measured);
  }

  @Test
  void aRunIsBusyWhenOthersKeptMoreThanHalfTheCpusBusyNotWhenItsOwnLoadWasHigh() {
    Map<String, Object> env = new java.util.HashMap<>();
    env.put("machine", Map.of("logical_cpus", 2));
    env.put("load_average_at_end", List.of(2.4, 2.0, 1.5)); // this run's own two threads
    env.put("cores_busy_by_others_at_end", 0.1);
    assertFalse(Report.busy(env, "cores_busy_by_others_at_end"));
    env.put("cores_busy_by_others_at_end", 1.6);
    assertTrue(Report.busy(env, "cores_busy_by_others_at_end"));
    assertFalse(Report.busy(env, "cores_busy_by_others_at_start"), "not measured is not busy");
  }
}
