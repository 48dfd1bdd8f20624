// Runs test/runtimes/program.ts on Node (this process's own binary) and on Bun, Deno and workerd, each
// from its npm package (devDependencies `bun`, `deno`, `workerd`: the binaries come from optional
// platform packages, nothing is downloaded).
// The program is bundled once by esbuild with every `node:*` import left to the runtime, the way an
// app's bundler (or wrangler, for Workers) would ship it; each runtime then gets a tiny entry that
// runs it with the config and prints the report on one tagged line.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import type { ProgramConfig, ProgramReport } from "./program.js";

const root = join(import.meta.dirname, "..", "..");
// Node is the one running this file; the others come from their npm packages.
const bin = (name: RuntimeName) =>
  name === "node" ? process.execPath : join(root, "node_modules", ".bin", name);

/** The runtimes of the matrix. */
export type RuntimeName = "node" | "bun" | "deno" | "workerd";
export const RUNTIMES: readonly RuntimeName[] = ["node", "bun", "deno", "workerd"];

/** One row of the matrix: a runtime, and for workerd the compatibility date the worker declares. */
export interface RuntimeTarget {
  /** Unique per row; also the prefix of the ids this row seeds. */
  readonly id: string;
  readonly runtime: RuntimeName;
  /** workerd only; default: the date workerd's own version names (see workerdCompatibilityDate). */
  readonly compatibilityDate?: string;
}

/**
 * Node (the same bundle, as the baseline: there the clients send over node:http), Bun, Deno, and
 * workerd twice: at its release's date, and at 2024-09-23, the first date at which `nodejs_compat`
 * brings the Buffer and process globals (Workers created since then may still declare it). A module
 * the older date lacks fails only on that row: `node:http`, for one, exists from 2025-08-15, so a
 * static import of it stops the worker from loading at 2024-09-23.
 */
export const TARGETS: readonly RuntimeTarget[] = [
  { id: "node", runtime: "node" },
  { id: "bun", runtime: "bun" },
  { id: "deno", runtime: "deno" },
  { id: "workerd", runtime: "workerd" },
  { id: "workerd-2024", runtime: "workerd", compatibilityDate: "2024-09-23" },
];

/** A prepared directory holding the bundled program; remove it with `dispose`. */
export interface ProgramBundle {
  readonly dir: string;
  dispose(): Promise<void>;
}

/** Bundles program.ts (and with it the four client entry points) into `<dir>/program.mjs`. */
export async function bundleProgram(): Promise<ProgramBundle> {
  const dir = await mkdtemp(join(tmpdir(), "payclients-runtimes-"));
  await build({
    entryPoints: [join(import.meta.dirname, "program.ts")],
    outfile: join(dir, "program.mjs"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    external: ["node:*"],
    logLevel: "error",
  });
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve(`${stdout}\n${stderr}`);
      },
    );
  });
}

/** The version the runtime reports, e.g. "bun 1.4.5", "deno 2.9.6", "workerd 2026-11-17". */
export async function runtimeVersion(runtime: RuntimeName): Promise<string> {
  const out = (await run(bin(runtime), ["--version"], root)).trim();
  const version = /(\d+\.\d+\.\d+|\d{4}-\d{2}-\d{2})/.exec(out)?.[1];
  if (version === undefined) throw new Error(`${runtime} --version printed no version: ${out}`);
  return `${runtime} ${version}`;
}

// Each report is printed on one line behind this tag, so runtime chatter (workerd's log lines) can
// surround it without being mistaken for it.
const TAG = "PAYCLIENTS-RUNTIME-REPORT ";

function reportFrom(output: string, runtime: RuntimeName): ProgramReport {
  const line = output.split("\n").find((text) => text.includes(TAG));
  if (line === undefined) throw new Error(`${runtime} printed no report:\n${output}`);
  return JSON.parse(line.slice(line.indexOf(TAG) + TAG.length)) as ProgramReport;
}

/**
 * workerd's compatibility date: the one its own version names (1.YYYYMMDD.n), so the worker runs with
 * everything that release turns on by default, `nodejs_compat` on top.
 */
async function workerdCompatibilityDate(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, "node_modules", "workerd", "package.json"), "utf8")) as {
    version: string;
  };
  const match = /^1\.(\d{4})(\d{2})(\d{2})\./.exec(pkg.version);
  if (match === null) throw new Error(`unexpected workerd version ${pkg.version}`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** The compatibility date a workerd row runs with. */
export async function compatibilityDateOf(target: RuntimeTarget): Promise<string> {
  return target.compatibilityDate ?? (await workerdCompatibilityDate());
}

/** Runs the bundled program on `target` with `config` and returns its report. */
export async function runOn(
  target: RuntimeTarget,
  bundle: ProgramBundle,
  config: ProgramConfig,
): Promise<ProgramReport> {
  const { runtime } = target;
  const call = `runProgram(${JSON.stringify(config)})`;
  const { dir } = bundle;
  if (runtime === "workerd") {
    // `workerd test` runs the worker's test handler once and exits: no socket to bind or discover.
    // Its fetch reaches only what globalOutbound allows; the sandbox is on loopback ("local").
    const entry = `worker-${process.pid}-${Date.now()}.mjs`;
    await writeFile(
      join(dir, entry),
      `import { runProgram } from "./program.mjs";\n` +
        `export default { async test() { console.log(${JSON.stringify(TAG)} + JSON.stringify(await ${call})); } };\n`,
    );
    const capnp = `config-${process.pid}-${Date.now()}.capnp`;
    await writeFile(
      join(dir, capnp),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [
        (name = "worker.mjs", esModule = embed "${entry}"),
        (name = "program.mjs", esModule = embed "program.mjs"),
      ],
      compatibilityDate = "${await compatibilityDateOf(target)}",
      compatibilityFlags = ["nodejs_compat"],
      globalOutbound = "loopback",
    )),
    (name = "loopback", network = (allow = ["local"])),
  ],
);
`,
    );
    return reportFrom(await run(bin("workerd"), ["test", capnp], dir), runtime);
  }
  const entry = `main-${runtime}-${process.pid}-${Date.now()}.mjs`;
  await writeFile(
    join(dir, entry),
    `import { runProgram } from "./program.mjs";\nconsole.log(${JSON.stringify(TAG)} + JSON.stringify(await ${call}));\n`,
  );
  if (runtime === "node") {
    return reportFrom(await run(bin("node"), [entry], dir), runtime);
  }
  if (runtime === "bun") {
    return reportFrom(await run(bin("bun"), ["run", entry], dir, { BUN_INSTALL_CACHE_DIR: dir }), runtime);
  }
  // No config, lock file or npm lookups: the bundle is self-contained, and net access is loopback only.
  return reportFrom(
    await run(
      bin("deno"),
      ["run", "--no-config", "--no-lock", "--no-remote", "--allow-net=127.0.0.1", entry],
      dir,
      { DENO_DIR: join(dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    ),
    runtime,
  );
}
