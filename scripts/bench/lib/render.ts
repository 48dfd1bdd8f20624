// Renders a bench result as readable text tables (the default output) and as Markdown (the README's
// "Performance" figures). Both read only the result object, so the README shows exactly what a run
// printed with --json.
import type { PeersSection } from "../peers.js";
import { CONTENDER_NAMES, type ContenderName } from "./contender-names.js";
import { PEER_OPERATIONS } from "./fixture.js";
import type { BenchResult } from "./result.js";
import { isPending } from "./result.js";
import { formatBytes, formatInt, formatMs, formatRatio } from "./stats.js";

type Cell = string;
interface Table {
  readonly title: string;
  readonly headers: readonly Cell[];
  readonly rows: readonly (readonly Cell[])[];
  readonly note?: string;
}

/** How the contenders are named in the tables. */
const CONTENDER_LABELS: Record<ContenderName, string> = {
  limit: "limit: node:http keep-alive + crypto",
  fetch: "fetch + crypto",
  got: "got + crypto",
  axios: "axios + crypto",
  ky: "ky + crypto",
  "openapi-fetch": "openapi-fetch + signing middleware",
  payclients: "payclients",
};

function formatUs(us: number | undefined): string {
  return us === undefined || !Number.isFinite(us) ? "n/a" : `${Math.round(us)} µs`;
}

function peersTables(result: BenchResult): Table[] {
  const section = result.peers;
  if (section === null) return [];
  const runtimes = section.runtimes;
  const tables: Table[] = [];
  for (const { provider, operation } of PEER_OPERATIONS) {
    const headers = [
      "contender",
      ...runtimes.flatMap((runtime) => [
        `${runtime.label} p50`,
        "p50 ×limit",
        `${runtime.label} req/s @${section.concurrency}`,
        "req/s ×limit",
        "CPU/call (×limit)",
      ]),
    ];
    const rowsOf = runtimes.map((runtime) => runtime.providers.find((row) => row.provider === provider));
    const rows = CONTENDER_NAMES.map((name) => [
      CONTENDER_LABELS[name],
      ...runtimes.flatMap((runtime, i) => {
        const row = rowsOf[i];
        if (runtime.status === "error") return [`not run: ${runtime.error ?? "?"}`, "", "", "", ""];
        if (row === undefined || row.status === "error")
          return [`error: ${row?.error ?? "?"}`, "", "", "", ""];
        const figures = row.contenders.find((contender) => contender.name === name);
        if (figures === undefined || figures.status === "error")
          return [`error: ${figures?.error ?? "?"}`, "", "", "", ""];
        const limitCpu = row.contenders.find((contender) => contender.name === "limit")?.cpuUsPerCall;
        return [
          formatUs(figures.p50Us),
          formatRatio(figures.latencyRatio ?? Number.NaN),
          formatInt(figures.rps ?? Number.NaN),
          formatRatio(figures.rpsRatio ?? Number.NaN),
          `${formatUs(figures.cpuUsPerCall)} (${formatRatio((figures.cpuUsPerCall ?? Number.NaN) / (limitCpu ?? Number.NaN))})`,
        ];
      }),
    ]);
    const differing = runtimes.flatMap((runtime, i) =>
      Object.entries(rowsOf[i]?.byteDifferences ?? {}).map(
        ([name, list]) => `${runtime.label} ${name}: ${(list ?? []).join("; ")}`,
      ),
    );
    tables.push({
      title:
        `peers: ${provider} ${operation}, median latency, requests/s and the client's CPU per call ` +
        "(×limit = cost against the limit)",
      headers,
      rows,
      note:
        differing.length === 0
          ? "Every contender sent the limit's path, body and protocol headers (byte check, fixed clock and nonce)."
          : `Differs from the limit's request: ${differing.join(" | ")}`,
    });
  }
  return tables;
}

/** One line per runtime and provider: payclients against the issue 12 targets. */
function peersTargetLines(section: PeersSection): string[] {
  const lines: string[] = [];
  for (const runtime of section.runtimes) {
    if (runtime.status === "error") {
      lines.push(`peers ${runtime.label}: not measured (${runtime.error ?? "error"})`);
      continue;
    }
    for (const row of runtime.providers) {
      const prefix = `peers ${runtime.label} ${row.provider}`;
      const ours = row.contenders.find((contender) => contender.name === "payclients");
      if (row.status === "error" || ours?.p50Us === undefined || ours.rps === undefined) {
        lines.push(`${prefix}: payclients not measured (${row.error ?? ours?.error ?? "error"})`);
        continue;
      }
      const worst = Math.max(ours.latencyRatio ?? Number.NaN, ours.rpsRatio ?? Number.NaN);
      const limitPart =
        `payclients ${formatRatio(ours.latencyRatio ?? Number.NaN)} the limit by p50, ` +
        `${formatRatio(ours.rpsRatio ?? Number.NaN)} by req/s: ` +
        (worst <= section.targetRatio
          ? `within ${section.targetRatio}x, met`
          : `target ≤ ${section.targetRatio}x missed by ${((worst / section.targetRatio - 1) * 100).toFixed(0)}%`);
      const behind: string[] = [];
      for (const name of section.peers) {
        const peer = row.contenders.find((contender) => contender.name === name);
        if (peer?.p50Us === undefined || peer.rps === undefined) continue;
        if (peer.p50Us <= ours.p50Us)
          behind.push(`${name} p50 ${formatUs(peer.p50Us)} vs ${formatUs(ours.p50Us)}`);
        if (peer.rps >= ours.rps)
          behind.push(`${name} ${formatInt(peer.rps)} vs ${formatInt(ours.rps)} req/s`);
      }
      const peerPart =
        behind.length === 0
          ? `ahead of every peer (${section.peers.join(", ")}), met`
          : `ahead of every peer: missed (${behind.join("; ")})`;
      lines.push(`${prefix}: ${limitPart}; ${peerPart}`);
    }
  }
  return lines;
}

function signingTables(result: BenchResult): Table[] {
  const section = result.signing;
  if (section === null) return [];
  return [
    {
      title: "signing: ops/s, ours vs the bare node:crypto primitive",
      headers: ["function", "ours ops/s", "primitive ops/s", "ours/primitive"],
      rows: section.results.map((row) => [
        row.name,
        formatInt(row.oursOpsPerSec),
        formatInt(row.primitiveOpsPerSec),
        formatRatio(row.ratio),
      ]),
    },
  ];
}

function codegenTables(result: BenchResult): Table[] {
  const section = result.codegen;
  if (section === null) return [];
  const generate = section.npmRunGenerate;
  return [
    {
      title: "codegen: openapi-typescript + Ajv standalone validators",
      headers: ["spec", "operations", "types", "validators", "total", "per operation", "output"],
      rows: [
        [
          "npm run generate (lint+bundle+all)",
          String(generate.operations),
          "",
          "",
          formatMs(generate.wallMs),
          formatMs(generate.wallMs / generate.operations),
          `${generate.apis} APIs`,
        ],
        ...section.rows.map((row) => {
          const unfinished = `stopped at ${formatMs(row.stoppedAfterMs ?? Number.NaN)}`;
          return [
            row.spec,
            formatInt(row.operations),
            row.typesMs === null ? unfinished : formatMs(row.typesMs),
            row.validatorsMs === null ? unfinished : formatMs(row.validatorsMs),
            row.totalMs === null ? `> ${formatMs(row.stoppedAfterMs ?? Number.NaN)}` : formatMs(row.totalMs),
            row.msPerOperation === null
              ? `> ${formatMs((row.stoppedAfterMs ?? Number.NaN) / row.operations)}`
              : formatMs(row.msPerOperation),
            row.outputBytes === null ? "" : formatBytes(row.outputBytes),
          ];
        }),
      ],
    },
  ];
}

function bundleTables(result: BenchResult): Table[] {
  const section = result.bundle;
  if (section === null) return [];
  return [
    {
      title: `bundle: esbuild, minified + gzip (target ≤ ${section.targetRatio}x openapi-fetch alone)`,
      headers: ["app", "minified", "gzipped", "gzip ratio", "minified ratio", "target"],
      rows: section.rows.map((row) =>
        row.status === "pending"
          ? [row.app, `pending: ${row.reason ?? ""}`, "", "", "", ""]
          : [
              row.app,
              formatBytes(row.minifiedBytes ?? Number.NaN),
              formatBytes(row.gzipBytes ?? Number.NaN),
              formatRatio(row.gzipRatio ?? Number.NaN),
              formatRatio(row.minifiedRatio ?? Number.NaN),
              (row.gzipRatio ?? Number.POSITIVE_INFINITY) <= section.targetRatio
                ? "met"
                : `missed by ${(((row.gzipRatio ?? 0) / section.targetRatio - 1) * 100).toFixed(0)}%`,
            ],
      ),
    },
  ];
}

function sandboxTables(result: BenchResult): Table[] {
  const section = result.sandbox;
  if (section === null) return [];
  if (isPending(section))
    return [{ title: "sandbox", headers: ["status"], rows: [[`pending: ${section.reason}`]] }];
  return [
    {
      title: "sandbox: requests/s with signature verification, concurrency 16",
      headers: ["workload", "sandbox req/s", "canned server req/s", "sandbox/canned", "refused"],
      rows: section.rows.map((row) => [
        row.workload,
        formatInt(row.sandboxRps),
        formatInt(row.cannedRps),
        formatRatio(row.ratio),
        String(row.refused),
      ]),
    },
  ];
}

function allTables(result: BenchResult): Table[] {
  return [
    ...peersTables(result),
    ...signingTables(result),
    ...codegenTables(result),
    ...bundleTables(result),
    ...sandboxTables(result),
  ];
}

function machineLine(result: BenchResult): string {
  const m = result.machine;
  const sections = Object.entries(result.sectionSeconds ?? {})
    .map(([name, seconds]) => `${name} ${seconds} s`)
    .join(", ");
  return (
    `Node ${m.node}, ${m.platform}, ${m.cpus} cores (${m.cpuModel}), ${m.date}; ` +
    `whole bench ${result.totalSeconds} s${sections === "" ? "" : ` (${sections})`}`
  );
}

/** Plain-text tables with aligned columns. */
export function renderText(result: BenchResult): string {
  const out: string[] = [];
  for (const table of allTables(result)) {
    const widths = table.headers.map((header, i) =>
      Math.max(header.length, ...table.rows.map((row) => (row[i] ?? "").length)),
    );
    const line = (cells: readonly Cell[]): string =>
      cells
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd();
    out.push(table.title, line(table.headers), widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of table.rows) out.push(line(row));
    if (table.note !== undefined) out.push(table.note);
    out.push("");
  }
  const targets = targetLines(result);
  if (targets.length > 0) out.push("targets:", ...targets.map((line) => `  ${line}`), "");
  out.push(machineLine(result), "");
  return out.join("\n");
}

/** One line per target (issues 9 and 12): met, or missed and by how much. */
export function targetLines(result: BenchResult): string[] {
  const lines: string[] = [];
  if (result.peers !== null) lines.push(...peersTargetLines(result.peers));
  const bundle = result.bundle;
  if (bundle !== null) {
    for (const row of bundle.rows) {
      if (row.gzipRatio === undefined || row.app === "openapi-fetch alone") continue;
      lines.push(
        row.gzipRatio <= bundle.targetRatio
          ? `bundle ${row.app}: ${formatRatio(row.gzipRatio)} gzipped, target ≤ ${bundle.targetRatio}x met`
          : `bundle ${row.app}: ${formatRatio(row.gzipRatio)} gzipped, target ≤ ${bundle.targetRatio}x missed by ` +
              `${((row.gzipRatio / bundle.targetRatio - 1) * 100).toFixed(0)}% ` +
              `(${formatBytes(row.gzipBytes ?? Number.NaN)} vs ≤ ${formatBytes(bundle.baseline.gzipBytes * bundle.targetRatio)})`,
      );
    }
  }
  return lines;
}

/** Markdown tables, one per section, for the README. */
export function renderMarkdown(result: BenchResult): string {
  const out: string[] = [];
  const targets = targetLines(result);
  if (targets.length > 0) {
    out.push("**Targets**", "", ...targets.map((line) => `- ${line}`), "");
  }
  for (const table of allTables(result)) {
    out.push(`**${table.title}**`, "");
    out.push(`| ${table.headers.join(" | ")} |`, `|${table.headers.map(() => " --- |").join("")}`);
    for (const row of table.rows)
      out.push(`| ${row.map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`);
    if (table.note !== undefined) out.push("", `_${table.note}_`);
    out.push("");
  }
  out.push(`_${machineLine(result)}._`);
  return out.join("\n");
}
