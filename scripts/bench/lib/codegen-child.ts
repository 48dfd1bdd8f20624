// Times code generation for one spec in a child process, so a generator that runs away on a large spec
// can be stopped at the bench's time budget (a synchronous generator cannot be interrupted in process).
// The child reports each phase as it finishes: types first, then validators.
import { fork } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import { generateValidators } from "../../lib/validators.js";
import { syntheticSpec } from "../synthetic-spec.js";
import { median } from "./stats.js";

const root = resolve(import.meta.dirname, "..", "..", "..");

type JsonObject = Parameters<typeof generateValidators>[0];

/** One phase's result: median milliseconds over the runs and the size of what it generated. */
export interface PhaseTiming {
  readonly ms: number;
  readonly bytes: number;
  readonly runs: number;
}

interface PhaseMessage {
  readonly phase: "types" | "validators";
  readonly timing: PhaseTiming;
}

/** openapi-typescript: document → AST → text. */
export async function timeTypes(document: JsonObject, runs: number): Promise<PhaseTiming> {
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
    // openapi-typescript may annotate the document it is given, so each run gets its own copy.
    const copy = structuredClone(document) as unknown as OpenAPI3;
    const start = performance.now();
    const text = astToString(await openapiTS(copy, { silent: true, alphabetize: false }));
    times.push(performance.now() - start);
    bytes = Buffer.byteLength(text);
  }
  return { ms: median(times), bytes, runs };
}

/** scripts/lib/validators.ts: Ajv compile + standalone code + our rewriting. */
export function timeValidators(document: JsonObject, runs: number): PhaseTiming {
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
    const copy = structuredClone(document);
    const start = performance.now();
    const text = generateValidators(copy);
    times.push(performance.now() - start);
    bytes = Buffer.byteLength(text);
  }
  return { ms: median(times), bytes, runs };
}

/** What a synthetic row measured; a phase is missing when the budget ran out before it finished. */
export interface SyntheticTiming {
  readonly types?: PhaseTiming;
  readonly validators?: PhaseTiming;
  /** Wall time from the start of the child's work until it finished or was stopped. */
  readonly elapsedMs: number;
  readonly stoppedAtBudget: boolean;
}

/** Times a synthetic spec of `operations` operations in a child process, stopping it after `budgetMs`. */
export function timeSyntheticInChild(
  operations: number,
  runs: number,
  budgetMs: number,
): Promise<SyntheticTiming> {
  const child = fork(fileURLToPath(import.meta.url), ["--child", String(operations), String(runs)], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  let types: PhaseTiming | undefined;
  let validators: PhaseTiming | undefined;
  let started = performance.now();
  return new Promise((resolveTiming, reject) => {
    let timer: NodeJS.Timeout | undefined;
    child.on("message", (message) => {
      if (message === "ready") {
        // The budget covers the generation, not tsx compiling this file.
        started = performance.now();
        timer = setTimeout(() => child.kill(), budgetMs);
        return;
      }
      const { phase, timing } = message as PhaseMessage;
      if (phase === "types") types = timing;
      else validators = timing;
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const stoppedAtBudget = signal !== null;
      if (!stoppedAtBudget && code !== 0) {
        reject(new Error(`codegen child for ${operations} operations exited with code ${code}`));
        return;
      }
      resolveTiming({
        ...(types === undefined ? {} : { types }),
        ...(validators === undefined ? {} : { validators }),
        elapsedMs: performance.now() - started,
        stoppedAtBudget,
      });
    });
  });
}

if (process.argv.includes("--child") && process.send !== undefined) {
  const at = process.argv.indexOf("--child");
  const operations = Number(process.argv[at + 1]);
  const runs = Number(process.argv[at + 2]);
  const document = syntheticSpec(operations) as JsonObject;
  // Warm both generators on a tiny spec so the first run is not charged for loading them.
  const tiny = syntheticSpec(1) as JsonObject;
  await timeTypes(tiny, 1);
  timeValidators(tiny, 1);
  process.send("ready");
  process.send({ phase: "types", timing: await timeTypes(document, runs) } satisfies PhaseMessage);
  const last: PhaseMessage = { phase: "validators", timing: timeValidators(document, runs) };
  process.send(last, undefined, {}, () => process.disconnect());
}
