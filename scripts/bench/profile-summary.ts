// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per file, heaviest
// first, so "what costs the time" can be read without DevTools.
//   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx scripts/bench/profile.ts payermax
//   npx tsx scripts/bench/profile-summary.ts .tmp/prof/<file>.cpuprofile [top]
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const root = resolve(import.meta.dirname, "..", "..");

function place(url: string): string {
  if (url === "") return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const local = relative(root, path);
  return local.startsWith("..") ? path : local.replace(/^node_modules\//, "~/");
}

/** Self time in ms per function and per file, and inclusive time of our own functions, from a profile. */
export function summarize(profile: Profile): {
  totalMs: number;
  functions: Array<{ name: string; ms: number }>;
  files: Array<{ name: string; ms: number }>;
  inclusive: Array<{ name: string; ms: number }>;
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    totalUs += us;
    const file = place(frame.url);
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  // Inclusive time: a node's self time plus its subtree's, credited once per function per stack (so a
  // recursive function is not counted twice), for functions in src/, generated/ and openapi-fetch.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined) continue;
      const file = place(frame.url);
      if (!/^(src|generated)\/|^~\/openapi-fetch/.test(file)) continue;
      const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const sorted = (map: Map<string, number>) =>
    [...map].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return {
    totalMs: totalUs / 1000,
    functions: sorted(functions),
    files: sorted(files),
    inclusive: sorted(inclusive),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error("usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 25);
  const summary = summarize(JSON.parse(readFileSync(file, "utf8")) as Profile);
  const pct = (ms: number) => `${((ms / summary.totalMs) * 100).toFixed(1).padStart(5)}%`;
  console.log(`total sampled: ${summary.totalMs.toFixed(0)} ms\n\nself time by function:`);
  for (const row of summary.functions.slice(0, top))
    console.log(`${pct(row.ms)}  ${row.ms.toFixed(1).padStart(9)} ms  ${row.name}`);
  console.log("\ninclusive time of src/, generated/ and openapi-fetch functions:");
  for (const row of summary.inclusive.slice(0, top))
    console.log(`${pct(row.ms)}  ${row.ms.toFixed(1).padStart(9)} ms  ${row.name}`);
  console.log("\nself time by file:");
  for (const row of summary.files.slice(0, top))
    console.log(`${pct(row.ms)}  ${row.ms.toFixed(1).padStart(9)} ms  ${row.name}`);
}
