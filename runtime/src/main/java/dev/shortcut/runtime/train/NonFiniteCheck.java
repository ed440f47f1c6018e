package dev.shortcut.runtime.train;

/**
 * The run's answer to a step that found a NaN or an infinity ({@link NonFinitePolicy}): under
 * {@code FAIL} it stops the run with the diagnosis; under {@code SKIP} the step is skipped and
 * counted. Finding the NaN is the loop's own job, never a listener's, so that no step applies a
 * non-finite update whatever the listeners do; and an epoch that could not apply a single update
 * fails under either policy.
 */
final class NonFiniteCheck implements TrainingListener {
  private final NonFinitePolicy policy;

  NonFiniteCheck(NonFinitePolicy policy) {
    this.policy = policy;
  }

  @Override
  public void onNonFinite(NonFiniteException cause) {
    if (policy == NonFinitePolicy.FAIL) {
      throw cause;
    }
  }
}
