// Renders a bench result as readable text tables (the default output) and as Markdown (the README's
// "Performance" figures). Both read only the result object, so the README shows exactly what a run
// printed with --json.
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

function overheadTables(result: BenchResult): Table[] {
  const section = result.overhead;
  if (section === null) return [];
  if (isPending(section))
    return [{ title: "overhead", headers: ["status"], rows: [[`pending: ${section.reason}`]] }];
  const target = section.targetRatio;
  return [
    {
      title: `overhead: client vs physical limit (target ratio ≤ ${target})`,
      headers: [
        "provider",
        "client p50",
        "limit p50",
        "ratio",
        "target",
        "client req/s @16",
        "limit req/s @16",
        "added µs (stub)",
        "same bytes",
      ],
      rows: section.rows.map((row) =>
        row.status === "error" || row.latency === undefined
          ? [`${row.provider} ${row.operation}`, `error: ${row.error ?? "?"}`, "", "", "", "", "", "", ""]
          : [
              `${row.provider} ${row.operation}`,
              formatMs(row.latency.clientMs),
              formatMs(row.latency.limitMs),
              formatRatio(row.latency.ratio),
              row.latency.withinTarget
                ? "met"
                : `missed by ${((row.latency.ratio / target - 1) * 100).toFixed(0)}%`,
              formatInt(row.throughput?.clientRps ?? Number.NaN),
              formatInt(row.throughput?.limitRps ?? Number.NaN),
              `${row.stub?.addedUs ?? "n/a"} (${row.stub?.clientUs ?? "?"} vs ${row.stub?.limitUs ?? "?"})`,
              row.sameBytes ? "yes" : "no",
            ],
      ),
    },
  ];
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
    ...overheadTables(result),
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
    out.push("");
  }
  const targets = targetLines(result);
  if (targets.length > 0) out.push("targets:", ...targets.map((line) => `  ${line}`), "");
  out.push(machineLine(result), "");
  return out.join("\n");
}

/** One line per target of issue 9: met, or missed and by how much. */
export function targetLines(result: BenchResult): string[] {
  const lines: string[] = [];
  const overhead = result.overhead;
  if (overhead !== null) {
    for (const row of overhead.rows) {
      if (row.latency === undefined) {
        lines.push(`overhead ${row.provider}: not measured (${row.error ?? "error"})`);
        continue;
      }
      const { ratio } = row.latency;
      lines.push(
        ratio <= overhead.targetRatio
          ? `overhead ${row.provider}: ${formatRatio(ratio)}, target ≤ ${overhead.targetRatio} met`
          : `overhead ${row.provider}: ${formatRatio(ratio)}, target ≤ ${overhead.targetRatio} missed by ` +
              `${((ratio / overhead.targetRatio - 1) * 100).toFixed(0)}% ` +
              `(${row.stub?.addedUs ?? "?"} µs of client work per call above the limit's)`,
      );
    }
  }
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
    out.push("");
  }
  out.push(`_${machineLine(result)}._`);
  return out.join("\n");
}
