import { Bench, type FnReturnedObject, type TaskResult } from 'tinybench';

/** How long each task runs; `--quick` uses a smaller one. */
export interface Budget {
  /** Time per task, in milliseconds, after warm-up, over all rounds. */
  timeMs: number;
  warmupMs: number;
  /** Samples taken at least per round, however long they take. */
  minSamples: number;
  /**
   * The tasks run this many times in turn (A B C, A B C, ...), each round with its share of
   * the time, and each median is over the samples of every round: a machine that is busier
   * for a while then weighs on every task alike rather than on the one running at that moment.
   */
  rounds: number;
}

/** One operation to time. It is called again and again, awaited each time. */
export interface Operation {
  name: string;
  run: () => unknown;
}

/** What a task measured, per operation. */
export interface Timing {
  medianNs: number;
  p99Ns: number;
  /** Samples the median is taken over. */
  samples: number;
  /** Operations per sample (see {@link measure}). */
  batch: number;
}

// A sample should last long enough that the timer's own cost (tens of ns) and its resolution
// do not show in it; faster operations are timed in batches.
const SAMPLE_TARGET_NS = 20_000;
const MAX_BATCH = 1000;

/**
 * Times each operation with tinybench, in rounds, and returns the median latency of one call.
 * An operation faster than ~20 µs is run in batches of calls, each batch one sample of the mean
 * call time in that batch; the median is then over batches.
 */
export async function measure(
  operations: readonly Operation[],
  budget: Budget,
): Promise<Map<string, Timing>> {
  const batches = new Map<string, number>();
  for (const operation of operations) batches.set(operation.name, await batchSize(operation.run));

  const samples = new Map<string, number[][]>(operations.map((operation) => [operation.name, []]));
  for (let round = 0; round < budget.rounds; round++) {
    const bench = new Bench({
      time: budget.timeMs / budget.rounds,
      warmup: round === 0,
      warmupTime: budget.warmupMs,
      iterations: budget.minSamples,
      warmupIterations: 2,
      retainSamples: true,
      throws: true,
    });
    for (const operation of operations) {
      const batch = batches.get(operation.name)!;
      bench.add(operation.name, () => timeBatch(operation.run, batch), { async: true });
    }

    await bench.run();
    for (const task of bench.tasks) samples.get(task.name)!.push(samplesOf(task.result));
  }

  return new Map(
    operations.map(({ name }) => [name, timingOf(samples.get(name)!.flat(), batches.get(name)!)]),
  );
}

async function timeBatch(run: () => unknown, batch: number): Promise<FnReturnedObject> {
  const start = process.hrtime.bigint();
  for (let call = 0; call < batch; call++) await run();
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;

  return { overriddenDuration: elapsedMs / batch, overriddenIterationCost: elapsedMs };
}

/** Calls per sample: enough for a sample to last about {@link SAMPLE_TARGET_NS}. */
async function batchSize(run: () => unknown): Promise<number> {
  // The first calls of an operation are cold: the quickest of three says whether it is slow.
  const quickest = Math.min(
    await timeCalls(run, 1),
    await timeCalls(run, 1),
    await timeCalls(run, 1),
  );
  if (quickest >= SAMPLE_TARGET_NS) return 1;

  // Warm the call up (JIT, caches) before judging its speed.
  for (let call = 0; call < 100; call++) await run();
  const perCallNs = (await timeCalls(run, 20)) / 20;
  return Math.max(1, Math.min(MAX_BATCH, Math.round(SAMPLE_TARGET_NS / Math.max(perCallNs, 1))));
}

async function timeCalls(run: () => unknown, calls: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let call = 0; call < calls; call++) await run();
  return Number(process.hrtime.bigint() - start);
}

/** The latency samples of a finished task, in milliseconds. */
function samplesOf(result: Readonly<TaskResult>): number[] {
  if (result.state !== 'completed') {
    const cause = result.state === 'errored' ? result.error : undefined;
    throw new Error(`benchmark task did not complete (${result.state})`, { cause });
  }

  return Array.from(result.latency.samples ?? []);
}

function timingOf(samplesMs: number[], batch: number): Timing {
  const sorted = samplesMs.sort((a, b) => a - b);
  return {
    medianNs: quantile(sorted, 0.5) * 1e6,
    p99Ns: quantile(sorted, 0.99) * 1e6,
    samples: sorted.length,
    batch,
  };
}

/** The `q` quantile of sorted values, interpolated between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}
