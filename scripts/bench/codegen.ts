// codegen: wall time of `npm run generate` for our specs (into a temp dir, so the tree is not touched),
// and how generation time grows with the number of operations: openapi-typescript plus the Ajv
// standalone validators generator (scripts/lib/validators.ts), over our bundled specs (in process) and
// synthetic specs of 10, 100 and 1,000 operations (each in a child process with a time budget, so a
// generator that grows too fast is reported as such instead of stalling the bench), per operation.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { API_NAMES, bundledSpecPath } from "../lib/apis.js";
import type { generateValidators } from "../lib/validators.js";
import { timeSyntheticInChild, timeTypes, timeValidators } from "./lib/codegen-child.js";
import { round } from "./lib/stats.js";
import { syntheticSpec } from "./synthetic-spec.js";

const root = resolve(import.meta.dirname, "..", "..");

/** Synthetic sizes, runs per size (medians) and the time budget of each size's child process. */
const SYNTHETIC = [
  { operations: 10, runs: 3, budgetMs: 20_000 },
  { operations: 100, runs: 1, budgetMs: 20_000 },
  { operations: 1000, runs: 1, budgetMs: 20_000 },
] as const;

export interface CodegenRow {
  /** "ours: daxpay" or "synthetic: 100". */
  readonly spec: string;
  readonly operations: number;
  /** openapi-typescript (document → AST → text), median over the runs. */
  readonly typesMs: number | null;
  /** generateValidators (Ajv compile + standalone code), median over the runs; null if stopped. */
  readonly validatorsMs: number | null;
  /** types + validators; null when a phase did not finish within the budget. */
  readonly totalMs: number | null;
  readonly msPerOperation: number | null;
  /** Size of the generated types + validators text. */
  readonly outputBytes: number | null;
  readonly runs: number;
  /** Set when the row's child process was stopped at its time budget, before every phase finished. */
  readonly stoppedAfterMs?: number;
}

export interface CodegenSection {
  readonly method: string;
  /** `npm run generate -- --out <tmp>`: lint, bundle, types and validators for our 4 APIs. */
  readonly npmRunGenerate: { readonly wallMs: number; readonly apis: number; readonly operations: number };
  readonly rows: CodegenRow[];
}

type JsonObject = Parameters<typeof generateValidators>[0];

function countOperations(document: JsonObject): number {
  const paths = document.paths;
  if (typeof paths !== "object" || paths === null || Array.isArray(paths)) return 0;
  let count = 0;
  for (const item of Object.values(paths)) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) continue;
    for (const method of ["get", "put", "post", "delete", "patch"]) if (item[method]) count++;
  }
  return count;
}

function row(
  spec: string,
  operations: number,
  runs: number,
  types: { ms: number; bytes: number } | undefined,
  validators: { ms: number; bytes: number } | undefined,
): CodegenRow {
  const total = types !== undefined && validators !== undefined ? types.ms + validators.ms : undefined;
  return {
    spec,
    operations,
    typesMs: types === undefined ? null : round(types.ms, 1),
    validatorsMs: validators === undefined ? null : round(validators.ms, 1),
    totalMs: total === undefined ? null : round(total, 1),
    msPerOperation: total === undefined ? null : round(total / operations, 2),
    outputBytes: types === undefined || validators === undefined ? null : types.bytes + validators.bytes,
    runs,
  };
}

function npmRunGenerate(log: (line: string) => void): number {
  const out = mkdtempSync(join(tmpdir(), "payclients-bench-generate-"));
  try {
    const start = performance.now();
    const result = spawnSync("npm", ["run", "--silent", "generate", "--", "--out", join(out, "generated")], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    });
    const wallMs = performance.now() - start;
    if (result.status !== 0) {
      log(`${result.stdout}${result.stderr}`);
      throw new Error(`npm run generate failed (exit ${result.status})`);
    }
    return wallMs;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function benchCodegen(log: (line: string) => void): Promise<CodegenSection> {
  const rows: CodegenRow[] = [];
  let ourOperations = 0;
  // Warm the generators (TypeScript's printer, Ajv's code generator) so the first row is not charged
  // for loading them.
  const tiny = syntheticSpec(1) as JsonObject;
  await timeTypes(tiny, 1);
  timeValidators(tiny, 1);
  for (const api of API_NAMES) {
    const document = JSON.parse(readFileSync(join(root, bundledSpecPath(api)), "utf8")) as JsonObject;
    const operations = countOperations(document);
    const ours = row(
      `ours: ${api}`,
      operations,
      5,
      await timeTypes(document, 5),
      timeValidators(document, 5),
    );
    ourOperations += operations;
    log(`codegen: ${ours.spec}: ${ours.totalMs} ms for ${operations} operation(s)`);
    rows.push(ours);
  }
  for (const { operations, runs, budgetMs } of SYNTHETIC) {
    const timing = await timeSyntheticInChild(operations, runs, budgetMs);
    const synthetic = row(`synthetic: ${operations}`, operations, runs, timing.types, timing.validators);
    if (timing.stoppedAtBudget) {
      rows.push({ ...synthetic, stoppedAfterMs: Math.round(timing.elapsedMs) });
      log(
        `codegen: ${synthetic.spec}: stopped at the ${budgetMs / 1000} s budget ` +
          `(types ${synthetic.typesMs ?? "unfinished"} ms, validators ${synthetic.validatorsMs ?? "unfinished"})`,
      );
    } else {
      rows.push(synthetic);
      log(`codegen: ${synthetic.spec}: ${synthetic.totalMs} ms (${synthetic.msPerOperation} ms/operation)`);
    }
  }
  log("codegen: npm run generate -- --out <tmp> …");
  const wallMs = npmRunGenerate(log);
  log(`codegen: npm run generate: ${Math.round(wallMs)} ms`);
  return {
    method:
      "npm run generate spawned once into a temp dir (wall time: npm, tsx, redocly lint and bundle, types, " +
      "validators). Rows time openapi-typescript and generateValidators separately, median of the runs; our " +
      "bundled specs in process, synthetic specs (own request/response schemas per operation, shared " +
      "components, 200/4XX/5XX) each in a child process stopped at its time budget.",
    npmRunGenerate: { wallMs: Math.round(wallMs), apis: API_NAMES.length, operations: ourOperations },
    rows,
  };
}
