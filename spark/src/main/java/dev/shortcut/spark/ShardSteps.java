package dev.shortcut.spark;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.loss.MeanSquaredError;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.sweep.KernelPools;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.SharedData;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * One round of one shard of a data-parallel run, as a Spark task runs it: build a replica by class
 * name, load the round's starting state, take the round's steps on the shard's own rows, answer
 * the state after them. The same steps as {@link dev.shortcut.runtime.train.Trainer}'s (forward,
 * loss and its gradient over the batch's mean, backward, one optimizer update); what differs is
 * where the rows come from: shard {@code s} of {@code n} owns rows {@code [s·N/n, (s+1)·N/n)} of the
 * training set and goes through them in an order drawn per epoch from the seed and the shard, so
 * that any step can be the first of a round, or of a resumed run.
 */
final class ShardSteps implements Serializable {
  private static final long serialVersionUID = 1L;
  final NetworkSpec network;
  final OptimizerFactory optimizer;
  final SharedData<Dataset> data;
  final int shards;
  final int batch;
  final long seed;
  final int threads;
  /** Test hook: the shard and step whose task dies, as a lost executor's would; -1 for none. */
  final int failShard;
  final long failStep;

  ShardSteps(NetworkSpec network, OptimizerFactory optimizer, SharedData<Dataset> data, int shards, int batch,
      long seed, int threads, int failShard, long failStep) {
    this.network = network;
    this.optimizer = optimizer;
    this.data = data;
    this.shards = shards;
    this.batch = batch;
    this.seed = seed;
    this.threads = threads;
    this.failShard = failShard;
    this.failStep = failStep;
  }

  /**
   * What a shard answers after a round.
   *
   * @param stepNanos time of the steps alone, from the first batch's load to the last update
   */
  record Outcome(int shard, ReplicaState state, double lossSum, long samples, long stepNanos)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A replica of the run's network for one shard's batches. */
  FloatNetwork replica(Kernels kernels) {
    Network net = network.create(batch, seed, kernels);
    if (!(net instanceof FloatNetwork f)) {
      throw new IllegalArgumentException("data-parallel training takes float networks; " + network.className()
          + " is " + net.getClass().getSimpleName());
    }
    return f;
  }

  /** The rows of {@code shard} in a set of {@code size}. */
  int[] rows(int shard, int size) {
    int from = (int) ((long) shard * size / shards);
    int to = (int) ((long) (shard + 1) * size / shards);
    int[] rows = new int[to - from];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    return rows;
  }

  /** Steps of one pass over a shard of {@code shardSize} rows. */
  long stepsPerEpoch(int shardSize) {
    return (shardSize + batch - 1) / batch;
  }

  /**
   * Takes {@code rates.length} steps on {@code shard} from {@code start}, at those learning rates.
   *
   * @throws IllegalStateException naming the shard and step, when a loss, an output or an update is
   *     not finite
   */
  Outcome run(int shard, ReplicaState start, double[] rates) {
    try (KernelPools.Lease pool = KernelPools.lease(threads)) { // tasks of one executor: a pool each
      return run(shard, start, rates, pool.kernels());
    }
  }

  private Outcome run(int shard, ReplicaState start, double[] rates, Kernels kernels) {
    Dataset set = data.get();
    FloatNetwork net = replica(kernels);
    Optimizer opt = optimizer.create();
    start.loadInto(net, opt);
    net.setTraining(true);
    int[] rows = rows(shard, set.size());
    if (rows.length == 0) {
      throw new IllegalArgumentException("shard " + shard + " of " + shards + " has no rows: the training set has "
          + set.size() + "; use fewer shards");
    }
    int outputs = net.architecture().outputs();
    int[] order = new int[rows.length];
    int[] labels = new int[batch];
    float[] targets = new float[batch * outputs];
    long perEpoch = stepsPerEpoch(rows.length);
    long orderEpoch = -1;
    double lossSum = 0;
    long samples = 0;
    long t0 = System.nanoTime();
    for (int k = 0; k < rates.length; k++) {
      long step = start.steps() + k + 1;
      String where = "shard " + shard + " of " + shards + ", step " + step;
      if (shard == failShard && step == failStep) {
        throw new IllegalStateException(where + ": injected failure (the task is lost)");
      }
      long epoch = (step - 1) / perEpoch + 1;
      if (epoch != orderEpoch) {
        System.arraycopy(rows, 0, order, 0, rows.length);
        shuffle(order, new SplittableRandom((seed * 1_000_003L + epoch) * 31 + shard));
        orderEpoch = epoch;
      }
      int at = (int) ((step - 1) % perEpoch) * batch;
      int b = Math.min(batch, rows.length - at);
      set.copyRows(order, at, b, net.input());
      net.forward(b);
      double loss;
      if (set.isClassification()) {
        set.copyLabels(order, at, b, labels);
        loss = SoftmaxCrossEntropy.lossAndGradient(net.output(), b, outputs, labels, 0, net.outputGradient());
      } else {
        set.copyTargets(order, at, b, targets);
        loss = MeanSquaredError.lossAndGradient(net.output(), b, outputs, targets, 0, net.outputGradient());
      }
      if (!Double.isFinite(loss) || Kernels.firstNonFinite(net.output(), 0, b * outputs) >= 0) {
        throw new IllegalStateException(where + ": the loss is " + loss + " (an output is not finite); the run "
            + "stops here, and its last checkpoint holds the state before this round");
      }
      net.zeroGradients();
      net.backward(b, false);
      if (!opt.step(net, rates[k])) {
        throw new IllegalStateException(where + ": the update at learning rate " + rates[k] + " would make "
            + "parameter " + opt.firstNonFiniteUpdate(net, rates[k]) + " or its optimizer state not finite; the "
            + "run stops here, and its last checkpoint holds the state before this round");
      }
      lossSum += loss;
      samples += b;
    }
    long stepNanos = System.nanoTime() - t0;
    return new Outcome(shard, ReplicaState.of(net, opt), lossSum, samples, stepNanos);
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
