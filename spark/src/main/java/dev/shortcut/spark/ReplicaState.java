package dev.shortcut.spark;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.optim.Optimizer;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a replica of a data-parallel run carries from one exchange to the next: parameters,
 * batch normalization's running statistics and counts, the optimizer's state arrays and its step
 * count. What the driver sends each shard at the start of a round, and what each shard answers.
 *
 * @param parameters the network's parameters
 * @param buffers running means and variances of batch normalization (empty without it)
 * @param batchCounts batches each batch normalization has seen (empty without it)
 * @param optimizerState one array per {@link Optimizer#stateNames()} entry, laid out like the parameters
 * @param steps updates applied so far, counted from the run's first
 */
record ReplicaState(float[] parameters, float[] buffers, long[] batchCounts, float[][] optimizerState, long steps)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A copy of {@code net}'s and {@code optimizer}'s state. */
  static ReplicaState of(FloatNetwork net, Optimizer optimizer) {
    float[][] state = optimizer.floatState(net);
    float[][] copy = new float[state.length][];
    for (int i = 0; i < state.length; i++) {
      copy[i] = state[i].clone();
    }
    return new ReplicaState(net.parameters().clone(), net.buffers().clone(), net.batchCounts().clone(), copy,
        optimizer.steps());
  }

  /** Writes this state into {@code net} and {@code optimizer}, which must be of the run's kind. */
  void loadInto(FloatNetwork net, Optimizer optimizer) {
    copy(parameters, net.parameters(), "parameters");
    copy(buffers, net.buffers(), "buffers");
    long[] counts = net.batchCounts();
    if (counts.length != batchCounts.length) {
      throw new IllegalStateException("the state has " + batchCounts.length + " batch counts, the network "
          + counts.length);
    }
    System.arraycopy(batchCounts, 0, counts, 0, counts.length);
    float[][] state = optimizer.floatState(net);
    if (state.length != optimizerState.length) {
      throw new IllegalStateException("the state has " + optimizerState.length + " optimizer arrays, "
          + optimizer.name() + " keeps " + state.length);
    }
    for (int i = 0; i < state.length; i++) {
      copy(optimizerState[i], state[i], "optimizer " + optimizer.stateNames().get(i));
    }
    optimizer.restoreSteps(steps);
  }

  private static void copy(float[] from, float[] to, String what) {
    if (from.length != to.length) {
      throw new IllegalStateException("the state has " + from.length + " " + what + ", the network " + to.length);
    }
    System.arraycopy(from, 0, to, 0, to.length);
  }

  /**
   * The mean of the shards' states, element by element, summed in double in shard order and
   * rounded once to float: the same numbers whichever shard finished first. Batch counts and step
   * counts are equal on every shard (each takes the same number of steps) and are kept as they are.
   */
  static ReplicaState average(List<ReplicaState> shards) {
    ReplicaState first = shards.get(0);
    for (ReplicaState s : shards) {
      if (s.steps != first.steps || !Arrays.equals(s.batchCounts, first.batchCounts)) {
        throw new IllegalStateException("shards disagree on their step count (" + s.steps + " and " + first.steps
            + "): they must take the same steps between exchanges");
      }
    }
    float[][] state = new float[first.optimizerState.length][];
    for (int i = 0; i < state.length; i++) {
      final int which = i;
      state[i] = mean(shards.stream().map(s -> s.optimizerState[which]).toList());
    }
    return new ReplicaState(mean(shards.stream().map(ReplicaState::parameters).toList()),
        mean(shards.stream().map(ReplicaState::buffers).toList()), first.batchCounts.clone(), state, first.steps);
  }

  private static float[] mean(List<float[]> arrays) {
    float[] mean = new float[arrays.get(0).length];
    double n = arrays.size();
    for (int j = 0; j < mean.length; j++) {
      double sum = 0;
      for (float[] a : arrays) {
        sum += a[j];
      }
      mean[j] = (float) (sum / n);
    }
    return mean;
  }
}
