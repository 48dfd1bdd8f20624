// The README's "Reliability" figures, from what the suite last ran. Every number comes from the
// .tmp/reliability/*.json files the test files write (./support/figures.ts).
//
//   npx tsx test/reliability/report.ts                  print the table for the last run
//   npx tsx test/reliability/report.ts --run --readme   run the suite (timing it), then write the table
//                                                       into README.md between its reliability markers

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIGURES_DIR } from "./support/figures.js";

const REPO = join(FIGURES_DIR, "..", "..");
const START_MARKER =
  "<!-- reliability:figures:start (written by `npx tsx test/reliability/report.ts --run --readme`) -->";
const END_MARKER = "<!-- reliability:figures:end -->";

/** Runs the reliability suite afresh and returns its wall-clock time in ms; exits when it fails. */
function runSuite(): number {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  const started = performance.now();
  const run = spawnSync("npx", ["vitest", "run", "--project", "integration", "test/reliability"], {
    cwd: REPO,
    stdio: "inherit",
  });
  if (run.status !== 0) {
    console.error("the reliability suite failed: no figures written");
    process.exit(1);
  }
  return performance.now() - started;
}

const wallMs = process.argv.includes("--run") ? runSuite() : undefined;

type FileFigures = Record<string, number | string>;

function load(): Map<string, FileFigures> {
  if (!existsSync(FIGURES_DIR))
    throw new Error(`no figures in ${FIGURES_DIR}: run the reliability suite first`);
  const files = new Map<string, FileFigures>();
  for (const name of readdirSync(FIGURES_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()) {
    files.set(name.replace(/\.json$/, ""), JSON.parse(readFileSync(join(FIGURES_DIR, name), "utf8")));
  }
  return files;
}

const files = load();

function figure(file: string, key: string): number {
  const value = files.get(file)?.[key];
  if (typeof value !== "number") throw new Error(`${file}.json has no figure ${key}`);
  return value;
}

function sumOf(file: string, pattern: RegExp): number {
  return Object.entries(files.get(file) ?? {})
    .filter(([key, value]) => pattern.test(key) && typeof value === "number")
    .reduce((total, [, value]) => total + (value as number), 0);
}

const number = (value: number) => value.toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const hostileRuns = sumOf("hostile-input", /\.runs$/);
const hostileProperties = Object.keys(files.get("hostile-input") ?? {}).filter((key) =>
  key.endsWith(".runs"),
).length;
const sentToSandbox = sumOf("hostile-input", /\.sentToSandbox$/);
const tamperRuns =
  figure("tampering", "payermax.runs") +
  figure("tampering", "gatepay.runs") +
  figure("tampering", "daxpay.runs");
const callbackRuns = sumOf("tampering", /^callbacks\./);
const watched = ["server-faults", "clock-skew", "hostile-input", "tampering", "load"];
const leakChecks = watched.reduce((total, file) => total + figure(file, "leakChecks"), 0);
const leakFindings = watched.reduce((total, file) => total + figure(file, "leakFindings"), 0);
const fileTime = [...files.values()].reduce((total, file) => total + Number(file.durationMs ?? 0), 0);

const rows: [string, string][] = [
  [
    "Server faults tried",
    `${figure("server-faults", "faults")} faults × ${figure("server-faults", "operations")} operations = ${figure("server-faults", "faultCases")} cases (${figure("server-faults", "attemptsSent")} attempts sent), each the right error, none a hang`,
  ],
  [
    "Clock-skew calls",
    `${figure("clock-skew", "skewedCalls")}, each a ClockSkewError (offset within 1.5 s of the skew where a Date header came)`,
  ],
  [
    "Hostile inputs tried",
    `${number(hostileRuns)} (${hostileProperties} properties × ${number(hostileRuns / hostileProperties)} runs); ${number(sentToSandbox)} went through the sandbox`,
  ],
  [
    "Tampered answers tried",
    `${number(tamperRuns)} (3 providers × ${number(tamperRuns / 3)} runs): every change to signed bytes refused (${number(figure("tampering", "daxpay.outsideDataSameResult"))} DaxPay changes to its unsigned envelope and ${number(figure("tampering", "daxpay.nullFieldSameResult"))} to null fields of its data, which DaxPay does not sign, left the verified result as it was); ${number(callbackRuns)} altered callbacks, every one refused`,
  ],
  [
    "Requests under load",
    `${number(figure("load", "requests"))} cancels (${number(figure("load", "attempts"))} attempts) at concurrency ${figure("load", "maxInFlight")} over ${figure("load", "orders")} orders, in ${seconds(figure("load", "loadMs"))}`,
  ],
  ["Lost", String(figure("load", "lost"))],
  ["Applied twice", String(figure("load", "appliedTwice"))],
  [
    "Secret scans",
    `${number(leakChecks)} checks of errors, hook events, log lines and clients; ${leakFindings} leaks`,
  ],
  [
    "Suite time",
    wallMs === undefined
      ? `${seconds(fileTime)} summed over the files`
      : `${seconds(wallMs)} wall clock for \`npx vitest run --project integration test/reliability\` (${seconds(fileTime)} summed over the files)`,
  ],
];

const table = [
  "| figure | value |",
  "| --- | --- |",
  ...rows.map(([name, value]) => `| ${name} | ${value} |`),
].join("\n");

if (process.argv.includes("--readme")) {
  const readmePath = join(REPO, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end < start) throw new Error(`README.md has no ${START_MARKER} … ${END_MARKER} block`);
  writeFileSync(
    readmePath,
    `${readme.slice(0, start + START_MARKER.length)}\n${table}\n${readme.slice(end)}`,
  );
  console.error("README.md: Reliability figures rewritten");
} else {
  console.log(table);
}
