// npm run bench: payclients against the node:http limit, raw fetch and its peers on Node 20 and 24
// (issue 12), signing cost, codegen scaling, bundle size and sandbox throughput (issue 9). Prints
// readable tables; `--json` prints one JSON object on stdout and everything else on stderr.
// `--only signing,bundle` runs some sections; `--readme` also rewrites the figures table in README.md
// ("Performance") from the same result object.
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { benchBundle } from "./bundle.js";
import { benchCodegen } from "./codegen.js";
import { writeReadmeTable } from "./lib/markdown.js";
import { renderText } from "./lib/render.js";
import type { BenchResult, SectionName } from "./lib/result.js";
import { SECTION_NAMES } from "./lib/result.js";
import { benchPeers } from "./peers.js";
import { benchSandbox } from "./sandbox.js";
import { benchSigning } from "./signing.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    only: { type: "string" },
    readme: { type: "boolean", default: false },
  },
});

const selected = new Set<SectionName>(
  values.only === undefined
    ? SECTION_NAMES
    : values.only.split(",").map((name) => {
        const trimmed = name.trim();
        if (!(SECTION_NAMES as readonly string[]).includes(trimmed)) {
          throw new Error(`--only: unknown section "${trimmed}" (known: ${SECTION_NAMES.join(", ")})`);
        }
        return trimmed as SectionName;
      }),
);

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const started = performance.now();
const result: BenchResult = {
  machine: {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    date: new Date().toISOString(),
  },
  peers: null,
  signing: null,
  codegen: null,
  bundle: null,
  sandbox: null,
  sectionSeconds: {},
  totalSeconds: 0,
};

async function timed<T>(name: SectionName, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const value = await run();
  result.sectionSeconds[name] = Math.round((performance.now() - start) / 100) / 10;
  return value;
}

// Cheapest and least noisy first; the network sections last, each with the machine to itself.
if (selected.has("signing")) result.signing = await timed("signing", () => benchSigning(log));
if (selected.has("bundle")) result.bundle = await timed("bundle", () => benchBundle(log));
if (selected.has("codegen")) result.codegen = await timed("codegen", () => benchCodegen(log));
if (selected.has("peers")) {
  // The peers section measures the built package (lib/contenders.ts): build it from the current src/.
  const build = spawnSync("npm", ["run", "-s", "build"], {
    cwd: resolve(import.meta.dirname, "../.."),
    stdio: "inherit",
  });
  if (build.status !== 0)
    throw new Error(`npm run build failed (exit ${build.status}): the peers section needs dist/`);
  result.peers = await timed("peers", () => benchPeers(log));
}
if (selected.has("sandbox")) result.sandbox = await timed("sandbox", () => benchSandbox(log));
result.totalSeconds = Math.round((performance.now() - started) / 100) / 10;

if (values.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  process.stdout.write(renderText(result));
}
if (values.readme) {
  writeReadmeTable(result);
  log("README.md: Performance table updated");
}
log(`bench finished in ${result.totalSeconds} s`);
