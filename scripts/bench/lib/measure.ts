// Interleaved measurement of the sides of a comparison. This machine is noisy (2 shared cores), so the
// sides never run in separate phases: latency samples take one call of each side per iteration in an
// order rotated every iteration (so no side always runs after the same one), throughput rotates in
// short rounds, and every figure is a median.
import { performance } from "node:perf_hooks";
import { median } from "./stats.js";

/** One side of a comparison: `prepare` runs untimed before each timed `run`. */
export interface Side {
  readonly run: () => Promise<unknown> | unknown;
  readonly prepare?: () => void;
}

/** Limits of a sampling loop: stop at `maxSamples` or after `timeMs`, whichever comes first. */
export interface SampleLimits {
  /** Untimed calls of each side before sampling (JIT, connection pool, caches). */
  readonly warmup: number;
  /** Samples of each side at most. */
  readonly maxSamples: number;
  /** Time budget of the sampling loop, both sides together. */
  readonly timeMs: number;
  /** Samples of each side at least, even past the time budget. */
  readonly minSamples: number;
}

async function timeOnce(side: Side): Promise<number> {
  side.prepare?.();
  const start = performance.now();
  await side.run();
  return performance.now() - start;
}

/** The order of the sides in iteration `i`: rotated by one each time, so no side always follows another. */
function rotation(count: number, i: number): number[] {
  return Array.from({ length: count }, (_, k) => (i + k) % count);
}

/**
 * Sequential calls of every side, interleaved one call each per iteration in rotating order; returns
 * each side's median latency in milliseconds and the samples per side.
 */
export async function interleavedLatency(
  sides: readonly Side[],
  limits: SampleLimits,
): Promise<{ medians: number[]; samples: number }> {
  for (let i = 0; i < limits.warmup; i++) for (const side of sides) await timeOnce(side);
  const samples: number[][] = sides.map(() => []);
  const deadline = performance.now() + limits.timeMs;
  let taken = 0;
  for (; taken < limits.maxSamples; taken++) {
    if (taken >= limits.minSamples && performance.now() > deadline) break;
    for (const index of rotation(sides.length, taken)) {
      samples[index]?.push(await timeOnce(sides[index] as Side));
    }
  }
  return { medians: samples.map((list) => median(list)), samples: taken };
}

/** One throughput round: completed calls per second, and this process's CPU time per completed call. */
export interface RoundRate {
  readonly rps: number;
  /** User + system CPU µs of this process per completed call: what a call costs the client, whatever else runs. */
  readonly cpuUsPerCall: number;
}

/** Calls `run` from `concurrency` concurrent loops for `durationMs`; returns the round's rates. */
export async function throughput(
  run: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<RoundRate> {
  let completed = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await run();
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { rps: (completed * 1000) / elapsed, cpuUsPerCall: (cpu.user + cpu.system) / completed };
}

/** One side of a throughput comparison: `prepare` runs untimed before each round (and the warm-up). */
export interface ThroughputSide {
  readonly run: () => Promise<unknown>;
  readonly prepare?: () => void;
}

/**
 * Median requests/second and CPU µs per call of each side over `rounds` rounds; within a round every
 * side runs once, in an order rotated each round. One untimed half round each first opens the
 * connections and warms the code paths at this concurrency.
 */
export async function interleavedThroughput(
  sides: readonly ThroughputSide[],
  options: { concurrency: number; roundMs: number; rounds: number },
): Promise<RoundRate[]> {
  const { concurrency, roundMs, rounds } = options;
  const round = async (side: ThroughputSide, durationMs: number): Promise<RoundRate> => {
    side.prepare?.();
    return throughput(side.run, concurrency, durationMs);
  };
  for (const side of sides) await round(side, roundMs / 2);
  const rates: RoundRate[][] = sides.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (const index of rotation(sides.length, i)) {
      rates[index]?.push(await round(sides[index] as ThroughputSide, roundMs));
    }
  }
  return rates.map((list) => ({
    rps: median(list.map((rate) => rate.rps)),
    cpuUsPerCall: median(list.map((rate) => rate.cpuUsPerCall)),
  }));
}

/** Median requests/second of two sides: {@link interleavedThroughput} of A and B. */
export async function pairedThroughput(
  a: ThroughputSide,
  b: ThroughputSide,
  options: { concurrency: number; roundMs: number; rounds: number },
): Promise<{ a: number; b: number }> {
  const [rateA, rateB] = await interleavedThroughput([a, b], options);
  return { a: rateA?.rps ?? Number.NaN, b: rateB?.rps ?? Number.NaN };
}
