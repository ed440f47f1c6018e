package dev.shortcut.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgreementTest {
  private static Map<String, Double> errors(double logits, double gradients, double adam, double after) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("logits", logits);
    m.put("gradients", gradients);
    m.put("adam_step", adam);
    m.put("parameters_after_step", after);
    m.put("relu_ties_taken_across", 1.0);
    return m;
  }

  private static Map<String, Map<String, Double>> atOneAndTwo(Map<String, Double> one, Map<String, Double> two) {
    Map<String, Map<String, Double>> m = new LinkedHashMap<>();
    m.put("1", one);
    m.put("2", two);
    return m;
  }

  private static final Map<String, Double> CLEAN = errors(2e-7, 3e-6, 1e-6, 4e-7);
  private static final Map<String, Map<String, Map<String, Double>>> EAGER = Map.of("eager", atOneAndTwo(CLEAN, CLEAN));

  @Test
  void cleanSidesAgreeAndEveryModeIsKept() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, CLEAN), atOneAndTwo(CLEAN, CLEAN), EAGER);
    assertTrue(v.agree(), v.problems().toString());
    assertEquals(List.of("eager"), v.modes());
  }

  @Test
  void eachJudgedQuantityFailsJustAboveItsTolerance() {
    for (Map<String, Double> off : List.of(errors(1.01e-4, 3e-6, 1e-6, 4e-7), errors(2e-7, 1.01e-4, 1e-6, 4e-7),
        errors(2e-7, 3e-6, 1.01e-5, 4e-7))) {
      assertFalse(Agreement.judge(atOneAndTwo(off, CLEAN), atOneAndTwo(CLEAN, CLEAN), EAGER).agree(), off.toString());
    }
    Map<String, Double> atTheLimit = errors(Agreement.LOGITS, Agreement.GRADIENTS, Agreement.ADAM_STEP, 4e-7);
    assertTrue(Agreement.judge(atOneAndTwo(atTheLimit, atTheLimit), atOneAndTwo(CLEAN, CLEAN), EAGER).agree());
  }

  @Test
  void parametersAfterTheIllConditionedFullStepAreReportedNotJudged() {
    // Adam's first step is about lr · sign(g): PyTorch's own float32 step differs by up to 1e-2.
    Map<String, Double> signFlips = errors(2e-7, 3e-6, 1e-6, 9e-3);
    assertTrue(Agreement.judge(atOneAndTwo(signFlips, signFlips), atOneAndTwo(signFlips, signFlips), EAGER).agree());
  }

  @Test
  void shortcutOffAtTwoThreadsOnlyIsADisagreementNamingTheThreadCount() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, errors(2e-7, 5e-3, 1e-6, 4e-7)),
        atOneAndTwo(CLEAN, CLEAN), EAGER);
    assertFalse(v.agree());
    assertEquals(List.of("Shortcut at 2 thread(s): gradients 5.00e-03 > 1e-04"), v.problems());
  }

  @Test
  void nanNeverPassesAndMissingLogitsAreNoCheck() {
    assertFalse(Agreement.judge(atOneAndTwo(errors(Double.NaN, 3e-6, 1e-6, 4e-7), CLEAN), atOneAndTwo(CLEAN, CLEAN),
        EAGER).agree());
    assertFalse(Agreement.judge(atOneAndTwo(Map.of("gradients", 1e-7), CLEAN), atOneAndTwo(CLEAN, CLEAN), EAGER)
        .agree());
  }

  @Test
  void aDisagreeingBaselineIsNoBaseline() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, CLEAN),
        atOneAndTwo(errors(3e-4, 3e-6, 1e-6, 4e-7), CLEAN), EAGER);
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
    assertEquals("at 2 thread(s): logits 5.00e-01 > 1e-04", v.excludedModes().get("matrix-vector"));
  }

  @Test
  void noAgreeingModeMeansNotTimed() {
    Agreement.Verdict v = Agreement.judge(atOneAndTwo(CLEAN, CLEAN), atOneAndTwo(CLEAN, CLEAN),
        Map.of("eager", atOneAndTwo(Map.of("logits", 1.0), Map.of("logits", 1.0))));
    assertFalse(v.agree());
  }
}
