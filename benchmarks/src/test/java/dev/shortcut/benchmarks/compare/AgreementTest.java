package dev.shortcut.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgreementTest {
  private static Map<String, Double> errors(double logits, double gradients, double after, double adam) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("logits", logits);
    m.put("gradients", gradients);
    m.put("parameters_after_step", after);
    m.put("adam_step", adam);
    return m;
  }

  private static Map<String, Map<String, Double>> atOneAndTwo(Map<String, Double> one, Map<String, Double> two) {
    Map<String, Map<String, Double>> m = new LinkedHashMap<>();
    m.put("1", one);
    m.put("2", two);
    return m;
  }

  private static final Map<String, Double> CLEAN = errors(2e-7, 3e-7, 4e-7, 4e-8);

  @Test
  void tolerancesAreTwicePytorchsOwnDifferenceWithinTheFloorAndTheCap() {
    // Tiny differences: the floor. Larger ones: twice the worse thread count. Huge: the cap.
    assertEquals(Agreement.FLOOR, Agreement.tolerances(atOneAndTwo(CLEAN, CLEAN)).get("gradients"));
    Map<String, Double> t = Agreement.tolerances(
        atOneAndTwo(errors(2e-7, 1e-3, 3e-4, 4e-8), errors(2e-7, 2e-3, 2e-4, 4e-8)));
    assertEquals(4e-3, t.get("gradients"), 1e-15);
    assertEquals(6e-4, t.get("parameters_after_step"), 1e-15);
    assertEquals(Agreement.LOGITS, t.get("logits"), "logits do not scale with PyTorch's difference");
    assertEquals(Agreement.ADAM_STEP, t.get("adam_step"), "nor does the optimizer check");
    assertEquals(Agreement.CAP, Agreement.tolerances(atOneAndTwo(errors(2e-7, 0.3, 0.3, 4e-8), CLEAN))
        .get("gradients"));
  }

  @Test
  void pytorchNanGivesTheCapNotAFreePass() {
    Map<String, Double> t = Agreement.tolerances(atOneAndTwo(errors(2e-7, Double.NaN, 1e-7, 4e-8), CLEAN));
    assertEquals(Agreement.CAP, t.get("gradients"));
  }

  @Test
  void cleanSidesAgreeAndEveryModeIsKept() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, CLEAN), atOneAndTwo(CLEAN, CLEAN),
        Map.of("eager", atOneAndTwo(Map.of("logits", 2e-7), Map.of("logits", 2e-7))));
    assertTrue(v.agree(), v.problems().toString());
    assertEquals(List.of("eager"), v.modes());
  }

  @Test
  void shortcutOffAtTwoThreadsOnlyIsADisagreementNamingTheThreadCount() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, errors(2e-7, 5e-3, 4e-7, 4e-8)),
        atOneAndTwo(CLEAN, CLEAN), Map.of("eager", atOneAndTwo(CLEAN, CLEAN)));
    assertFalse(v.agree());
    assertEquals(1, v.problems().size());
    assertTrue(v.problems().get(0).startsWith("Shortcut at 2 thread(s): gradients 5.00e-03"), v.problems().get(0));
  }

  @Test
  void aWrongOptimizerStepFailsEvenWhenEverythingElseAgrees() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(errors(2e-7, 3e-7, 4e-7, 3e-4), errors(2e-7, 3e-7, 4e-7, 3e-4)),
        atOneAndTwo(CLEAN, CLEAN), Map.of("eager", atOneAndTwo(CLEAN, CLEAN)));
    assertFalse(v.agree());
    assertTrue(v.problems().get(0).contains("adam step"), v.problems().toString());
  }

  @Test
  void nanNeverPasses() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(errors(Double.NaN, 3e-7, 4e-7, 4e-8), CLEAN),
        atOneAndTwo(CLEAN, CLEAN), Map.of("eager", atOneAndTwo(CLEAN, CLEAN)));
    assertFalse(v.agree());
  }

  @Test
  void aDisagreeingBaselineIsNoBaseline() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, CLEAN), atOneAndTwo(errors(3e-4, 3e-7, 4e-7, 4e-8),
        CLEAN), Map.of("eager", atOneAndTwo(CLEAN, CLEAN)));
    assertFalse(v.agree());
    assertTrue(v.problems().get(0).startsWith("PyTorch (eager) at 1 thread(s): logits"), v.problems().toString());
  }

  @Test
  void aFastModeThatDisagreesIsLeftOutAndSaysWhy() {
    Map<String, Map<String, Map<String, Double>>> modes = new LinkedHashMap<>();
    modes.put("eager", atOneAndTwo(Map.of("logits", 2e-7), Map.of("logits", 2e-7)));
    modes.put("matrix-vector", atOneAndTwo(Map.of("logits", 2e-7), Map.of("logits", 0.5)));
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, CLEAN), atOneAndTwo(CLEAN, CLEAN), modes);
    assertTrue(v.agree());
    assertEquals(List.of("eager"), v.modes());
    assertTrue(v.excludedModes().get("matrix-vector").contains("at 2 thread(s): logits 5.00e-01"),
        v.excludedModes().toString());
  }

  @Test
  void noAgreeingModeMeansNotTimed() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, CLEAN), atOneAndTwo(CLEAN, CLEAN),
        Map.of("eager", atOneAndTwo(Map.of("logits", 1.0), Map.of("logits", 1.0))));
    assertFalse(v.agree());
  }
}
