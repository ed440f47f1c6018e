package dev.shortcut.spark;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data-parallel training of one network on Spark. The training set is cut into
 * {@code shards} equal slices; each round, one Spark job runs one task per shard, which takes
 * {@code averageEvery} steps (K) of {@code batchPerShard} rows on its slice from the round's
 * starting state; the driver then averages the shards' states and starts the next round from the
 * mean. With K = 1 and equal shards this is SGD on the combined batch of {@code shards ×
 * batchPerShard} rows (up to float rounding).
 *
 * <p><b>Optimizer state.</b> Each shard runs its own optimizer between exchanges, and at each
 * exchange everything a replica carries is averaged, element by element: parameters, the
 * optimizer's state arrays (SGD's velocity; Adam's first and second moments {@code m} and {@code
 * v}) and batch normalization's running statistics; step counts are equal on every shard. For SGD,
 * with or without momentum or Nesterov, the update is linear in the gradient and the state, so at
 * K = 1 the averaged velocity is exactly the velocity of SGD on the combined batch. For Adam it is
 * not: {@code v} averages the shards' squared gradients, not the square of their mean, so
 * data-parallel Adam takes somewhat smaller steps than Adam on the combined batch (the difference
 * is the variance of the gradient across shards), at any K.
 *
 * <p><b>Failures.</b> A task that fails (a lost executor, a NaN) fails its round; Spark's own task
 * retries apply first ({@code spark.task.maxFailures}); a round that still fails stops the run
 * with a {@link DataParallelException} naming the round, its steps and the cause. With {@link
 * Builder#checkpoint}, the driver saves the averaged state every few rounds (atomically), and
 * {@link #fit} on the same file resumes from the last one, bit for bit as if it had not stopped.
 *
 * <pre>{@code
 * DataParallelTraining training = DataParallelTraining.builder(spec, () -> Sgd.withLearningRate(0.05).momentum(0.9))
 *     .shards(4).batchPerShard(32).averageEvery(8).steps(2_000).seed(1)
 *     .checkpoint(Path.of("run.safetensors"), 10).build();
 * DataParallelTraining.Result result = training.fit(sparkContext, data);
 * }</pre>
 */
public final class DataParallelTraining {
  private final NetworkSpec network;
  private final OptimizerFactory optimizer;
  private final Schedule schedule;
  private final int shards;
  private final int batchPerShard;
  private final int averageEvery;
  private final long steps;
  private final long seed;
  private final int threadsPerShard;
  private final Path checkpoint;
  private final int checkpointEvery;
  private final int failShard;
  private final long failStep;

  private DataParallelTraining(Builder b) {
    this.network = b.network;
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.shards = b.shards;
    this.batchPerShard = b.batchPerShard;
    this.averageEvery = b.averageEvery;
    this.steps = b.steps;
    this.seed = b.seed;
    this.threadsPerShard = b.threadsPerShard;
    this.checkpoint = b.checkpoint;
    this.checkpointEvery = b.checkpointEvery;
    this.failShard = b.failShard;
    this.failStep = b.failStep;
  }

  /** Starts a configuration for {@code network}, each replica optimized by {@code optimizer}. */
  public static Builder builder(NetworkSpec network, OptimizerFactory optimizer) {
    return new Builder(network, optimizer);
  }

  /**
   * One round: its steps, its wall time on the driver, and the time of the slowest shard's steps.
   *
   * @param firstStep the round's first step, from 1
   * @param steps steps in the round (K, fewer at the end)
   * @param seconds wall time of the round: the Spark job, moving the states, building each
   *     replica and loading its state, the steps, and the average
   * @param stepSeconds the slowest shard's time for its steps alone
   * @param loss mean training loss of the round's batches over all shards
   */
  public record Round(long firstStep, int steps, double seconds, double stepSeconds, double loss) {
    /** The round's time beyond its steps: what one exchange costs. */
    public double exchangeSeconds() {
      return Math.max(0, seconds - stepSeconds);
    }
  }

  /**
   * A finished run.
   *
   * @param network the trained network (the driver's copy, holding the averaged parameters)
   * @param optimizer its optimizer, holding the averaged state
   * @param steps steps taken, counted from the run's first (resumed ones included)
   * @param resumedFrom the step the run resumed after, 0 when it started fresh
   * @param rounds the rounds this call ran
   */
  public record Result(FloatNetwork network, Optimizer optimizer, long steps, long resumedFrom, List<Round> rounds) {
    /** Mean time of one step on a shard (the slowest shard of each round). */
    public double secondsPerStep() {
      return rounds.stream().mapToDouble(Round::stepSeconds).sum()
          / Math.max(1, rounds.stream().mapToInt(Round::steps).sum());
    }

    /** Mean cost of one exchange: a round's time beyond its steps. */
    public double secondsPerExchange() {
      return rounds.stream().mapToDouble(Round::exchangeSeconds).average().orElse(Double.NaN);
    }
  }

  /**
   * Trains on {@code train}, resuming from the checkpoint file when it exists.
   *
   * @param context a context whose {@code spark.task.cpus} equals the threads per shard
   * @param train the training set: the driver's copy, and how executors load theirs
   * @throws DataParallelException when a round fails, naming it and the cause
   * @throws IllegalArgumentException when the data cannot feed the shards, or the context's task
   *     cores differ from the threads per shard
   * @throws IllegalStateException when the checkpoint was written by another configuration
   */
  public Result fit(JavaSparkContext context, SharedData<Dataset> train) throws IOException {
    SparkContexts.checkTaskCpus(context, threadsPerShard);
    Dataset data = train.get();
    ShardSteps task = new ShardSteps(network, optimizer, train, shards, batchPerShard, seed, threadsPerShard,
        failShard, failStep);
    if (data.size() / shards < 1) {
      throw new IllegalArgumentException("the training set has " + data.size() + " rows, fewer than the " + shards
          + " shards");
    }
    FloatNetwork net = task.replica(Kernels.singleThreaded());
    Optimizer opt = optimizer.create();
    opt.floatState(net); // binds it: its state is the run's
    long resumedFrom = 0;
    if (checkpoint != null && Files.exists(checkpoint)) {
      Map<String, String> metadata = Checkpoints.load(net, opt, checkpoint);
      String saved = metadata.get("data_parallel");
      if (!signature(opt).equals(saved)) {
        throw new IllegalStateException("checkpoint " + checkpoint + " was written by another run (" + saved
            + "); this run is " + signature(opt) + ": give this run another file, or delete it to start over");
      }
      resumedFrom = opt.steps();
    }
    ReplicaState state = ReplicaState.of(net, opt);
    long saved = checkpoint != null && Files.exists(checkpoint) ? resumedFrom : -1;
    List<Round> rounds = new ArrayList<>();
    int round = 0;
    while (state.steps() < steps) {
      long first = state.steps() + 1;
      int k = (int) Math.min(averageEvery, steps - state.steps());
      double[] rates = new double[k];
      for (int i = 0; i < k; i++) {
        rates[i] = schedule.rate(opt.learningRate(), first - 1 + i, steps);
        if (!(rates[i] >= 0) || rates[i] == Double.POSITIVE_INFINITY) {
          throw new IllegalStateException("the schedule gives learning rate " + rates[i] + " at step " + (first + i)
              + "; a rate must be finite and ≥ 0");
        }
      }
      long t0 = System.nanoTime();
      List<ShardSteps.Outcome> outcomes = runRound(context, task, state, rates, first, saved);
      outcomes = outcomes.stream().sorted(Comparator.comparingInt(ShardSteps.Outcome::shard)).toList();
      state = ReplicaState.average(outcomes.stream().map(ShardSteps.Outcome::state).toList());
      double seconds = (System.nanoTime() - t0) / 1e9;
      double stepping = outcomes.stream().mapToLong(ShardSteps.Outcome::stepNanos).max().orElse(0) / 1e9;
      double loss = outcomes.stream().mapToDouble(ShardSteps.Outcome::lossSum).sum()
          / outcomes.stream().mapToLong(ShardSteps.Outcome::samples).sum();
      rounds.add(new Round(first, k, seconds, stepping, loss));
      round++;
      state.loadInto(net, opt);
      if (checkpoint != null && (round % checkpointEvery == 0 || state.steps() == steps)) {
        // Sorted: the file's bytes do not depend on a map's order.
        Checkpoints.save(net, opt, checkpoint, new TreeMap<>(Map.of("data_parallel", signature(opt),
            "step", Long.toString(state.steps()))));
        saved = state.steps();
      }
    }
    return new Result(net, opt, state.steps(), resumedFrom, List.copyOf(rounds));
  }

  /** One Spark job: each shard's task takes the round's steps from {@code start}. */
  private List<ShardSteps.Outcome> runRound(JavaSparkContext context, ShardSteps task, ReplicaState start,
      double[] rates, long first, long saved) {
    Broadcast<ReplicaState> shared = context.broadcast(start);
    try {
      List<Integer> indices = IntStream.range(0, shards).boxed().toList();
      return context.parallelize(indices, shards).map(shard -> task.run(shard, shared.value(), rates)).collect();
    } catch (Exception e) { // Scala throws SparkException, checked in Java, without declaring it
      if (!(e instanceof SparkException)) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
      String resume = checkpoint == null ? "No checkpoint was configured (Builder.checkpoint), so the run starts "
          + "over when fit is called again."
          : saved >= 0 ? "The last checkpoint, " + checkpoint + ", holds the run after step " + saved + ": fit "
          + "again with the same configuration to resume from it."
          : "No checkpoint was written yet (the first is due after " + checkpointEvery + " rounds), so the run "
          + "starts over when fit is called again.";
      throw new DataParallelException(String.format(Locale.ROOT, "data-parallel training stopped in the round of "
          + "steps %d to %d (of %d): a shard's task failed: %s%n%s", first, first + rates.length - 1, steps,
          SparkContexts.firstLine(e), resume), e);
    } finally {
      shared.destroy();
    }
  }

  /** What a checkpoint must match to be resumed by this configuration. */
  private String signature(Optimizer opt) {
    return String.format(Locale.ROOT, "network=%s shards=%d batch=%d every=%d seed=%d optimizer=%s lr=%s wd=%s",
        network.className(), shards, batchPerShard, averageEvery, seed, opt.name(), opt.learningRate(),
        opt.weightDecay());
  }

  /** Configuration of a {@link DataParallelTraining}. */
  public static final class Builder {
    private final NetworkSpec network;
    private final OptimizerFactory optimizer;
    private Schedule schedule = Schedule.constant();
    private int shards = 2;
    private int batchPerShard = 32;
    private int averageEvery = 1;
    private long steps = 1;
    private long seed;
    private int threadsPerShard = 1;
    private Path checkpoint;
    private int checkpointEvery = 1;
    private int failShard = -1;
    private long failStep = -1;

    private Builder(NetworkSpec network, OptimizerFactory optimizer) {
      this.network = Objects.requireNonNull(network, "network");
      this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    /** Replicas, one Spark task each per round (default 2). */
    public Builder shards(int shards) {
      this.shards = positive(shards, "shards");
      return this;
    }

    /** Rows per step on each shard (default 32): the combined batch is shards × this. */
    public Builder batchPerShard(int rows) {
      this.batchPerShard = positive(rows, "batch per shard");
      return this;
    }

    /** K: steps each shard takes between exchanges (default 1: synchronous SGD on the combined batch). */
    public Builder averageEvery(int steps) {
      this.averageEvery = positive(steps, "steps between exchanges");
      return this;
    }

    /** Steps of the whole run, counted on each shard (default 1). */
    public Builder steps(long steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
      }
      this.steps = steps;
      return this;
    }

    /** Seed of the initialization and of each shard's shuffles. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Learning-rate schedule over the run's steps (default constant), evaluated on the driver. */
    public Builder schedule(Schedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /** Kernel threads of each shard's task, which must equal the context's {@code spark.task.cpus} (default 1). */
    public Builder threadsPerShard(int threads) {
      this.threadsPerShard = positive(threads, "threads per shard");
      return this;
    }

    /**
     * Saves the averaged state to {@code file} after every {@code rounds}-th round and after the
     * last, atomically; {@link #fit} resumes from it when it exists.
     */
    public Builder checkpoint(Path file, int rounds) {
      this.checkpoint = Objects.requireNonNull(file, "file");
      this.checkpointEvery = positive(rounds, "rounds between checkpoints");
      return this;
    }

    /** Test hook: the task of {@code shard} fails at {@code step}, as a lost executor's task would. */
    Builder failAt(int shard, long step) {
      this.failShard = shard;
      this.failStep = step;
      return this;
    }

    /** The configuration. */
    public DataParallelTraining build() {
      return new DataParallelTraining(this);
    }

    private static int positive(int value, String what) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be ≥ 1, got " + value);
      }
      return value;
    }
  }
}
