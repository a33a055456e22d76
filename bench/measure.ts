import { Bench, type FnReturnedObject, type TaskResult } from 'tinybench';

/** How long each task runs; `--quick` uses a smaller one. */
export interface Budget {
  /** Time per task, in milliseconds, after warm-up. */
  timeMs: number;
  warmupMs: number;
  /** Samples taken at least, however long they take. */
  minSamples: number;
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
 * Times each operation with tinybench, one after the other, and returns the median latency of
 * one call. An operation faster than ~20 µs is run in batches of calls, each batch one sample
 * of the mean call time in that batch; the median is then over batches.
 */
export async function measure(
  operations: readonly Operation[],
  budget: Budget,
): Promise<Map<string, Timing>> {
  const bench = new Bench({
    time: budget.timeMs,
    warmupTime: budget.warmupMs,
    iterations: budget.minSamples,
    warmupIterations: 2,
    retainSamples: true,
    throws: true,
  });

  const batches = new Map<string, number>();
  for (const operation of operations) {
    const batch = await batchSize(operation.run);
    batches.set(operation.name, batch);
    bench.add(operation.name, () => timeBatch(operation.run, batch), { async: true });
  }

  await bench.run();
  return new Map(
    bench.tasks.map((task) => [task.name, timingOf(task.result, batches.get(task.name)!)]),
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

function timingOf(result: Readonly<TaskResult>, batch: number): Timing {
  if (result.state !== 'completed') {
    const cause = result.state === 'errored' ? result.error : undefined;
    throw new Error(`benchmark task did not complete (${result.state})`, { cause });
  }

  return {
    medianNs: result.latency.p50 * 1e6,
    p99Ns: result.latency.p99 * 1e6,
    samples: result.latency.samplesCount,
    batch,
  };
}
