// Interleaved measurement of two sides of a ratio. This machine is noisy (2 shared cores), so the two
// sides never run in separate phases: latency samples alternate A/B every iteration (ABBA order, so
// neither side always runs "second"), throughput alternates in short rounds, and every figure is a
// median.
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

/** Median per-call latency of each side, in milliseconds, and the number of samples behind it. */
export interface PairedLatency {
  readonly a: number;
  readonly b: number;
  readonly samples: number;
}

async function timeOnce(side: Side): Promise<number> {
  side.prepare?.();
  const start = performance.now();
  await side.run();
  return performance.now() - start;
}

/** Sequential calls, A and B alternating in ABBA order; returns the medians. */
export async function pairedLatency(a: Side, b: Side, limits: SampleLimits): Promise<PairedLatency> {
  for (let i = 0; i < limits.warmup; i++) {
    await timeOnce(a);
    await timeOnce(b);
  }
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  const deadline = performance.now() + limits.timeMs;
  for (let i = 0; i < limits.maxSamples; i++) {
    if (i >= limits.minSamples && performance.now() > deadline) break;
    if (i % 2 === 0) {
      samplesA.push(await timeOnce(a));
      samplesB.push(await timeOnce(b));
    } else {
      samplesB.push(await timeOnce(b));
      samplesA.push(await timeOnce(a));
    }
  }
  return { a: median(samplesA), b: median(samplesB), samples: samplesA.length };
}

/** Calls `run` from `concurrency` concurrent loops for `durationMs`; returns completed calls per second. */
export async function throughput(
  run: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  let completed = 0;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await run();
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (completed * 1000) / (performance.now() - start);
}

/** One side of a throughput comparison: `prepare` runs untimed before each round (and the warm-up). */
export interface ThroughputSide {
  readonly run: () => Promise<unknown>;
  readonly prepare?: () => void;
}

/** Median requests/second of each side, over `rounds` rounds alternating A/B (ABBA). */
export async function pairedThroughput(
  a: ThroughputSide,
  b: ThroughputSide,
  options: { concurrency: number; roundMs: number; rounds: number },
): Promise<{ a: number; b: number }> {
  const { concurrency, roundMs, rounds } = options;
  const round = async (side: ThroughputSide, durationMs: number): Promise<number> => {
    side.prepare?.();
    return throughput(side.run, concurrency, durationMs);
  };
  // One untimed half round each: opens the connections and warms the code paths at this concurrency.
  await round(a, roundMs / 2);
  await round(b, roundMs / 2);
  const ratesA: number[] = [];
  const ratesB: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ratesA.push(await round(a, roundMs));
      ratesB.push(await round(b, roundMs));
    } else {
      ratesB.push(await round(b, roundMs));
      ratesA.push(await round(a, roundMs));
    }
  }
  return { a: median(ratesA), b: median(ratesB) };
}
