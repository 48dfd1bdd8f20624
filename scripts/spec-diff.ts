// npm run spec:diff: what a spec update changes, before regenerating. Compares each API's bundled
// document (vendor file + overlay) as committed at a base revision (default HEAD) with the working
// tree, or two bundled files, and prints one line per change, on the wire and in the public types
// (scripts/lib/spec-diff.ts). Exits 1 on a breaking change unless --accept-breaking, 2 when an overlay
// no longer applies (its problems are printed after the vendor-only comparison).
//
//   npm run spec:diff                                # HEAD vs the working tree, every API
//   npm run spec:diff -- --api gatepay-otc           # one API
//   npm run spec:diff -- --base main                 # another base revision
//   npm run spec:diff -- --before a.json --after b.json --api gatepay-otc
//   npm run spec:diff -- --accept-breaking           # report, but exit 0 on breaking changes
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  type ApiComparison,
  compareTrees,
  type ExportedTypes,
  exportedTypesOf,
  formatChange,
  specChanges,
} from "./lib/spec-diff.js";
import { type FileReader, folderReader, gitReader, parseDocument } from "./lib/spec-source.js";

const root = resolve(import.meta.dirname, "..");

/** The exported client types of the working tree's src/ (tests and the sandbox left out). */
export function exportedClientTypes(repoRoot: string = root): ExportedTypes {
  const src = join(repoRoot, "src");
  const sources: Record<string, string> = {};
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    const name = relative(src, file);
    if (!entry.isFile() || !name.endsWith(".ts") || name.endsWith(".test.ts") || name.startsWith("sandbox")) {
      continue;
    }
    sources[name] = readFileSync(file, "utf8");
  }
  return exportedTypesOf(sources);
}

/** Prints a comparison; returns whether it found a breaking change and whether an overlay failed. */
export function printComparisons(
  comparisons: readonly ApiComparison[],
  write: (line: string) => void = console.log,
): { breaking: boolean; overlayFailed: boolean; count: number } {
  let breaking = false;
  let overlayFailed = false;
  let count = 0;
  for (const comparison of comparisons) {
    if (comparison.overlayProblem !== undefined) {
      overlayFailed = true;
      write(
        `${comparison.api}: the overlay does not apply to the new vendor document; vendor documents compared alone:`,
      );
    }
    for (const change of comparison.changes) {
      write(formatChange(change));
      breaking ||= change.breaking;
      count += 1;
    }
    if (comparison.overlayProblem !== undefined) {
      write(`${comparison.api}: overlay problems (fix specs/${comparison.api}/overlay.yaml):`);
      for (const line of comparison.overlayProblem.split("\n")) write(`  ${line.trim()}`);
    }
  }
  return { breaking, overlayFailed, count };
}

/** The exit code for a comparison: 2 when an overlay no longer applies, 1 on a breaking change not accepted, else 0. */
export function exitCodeOf(comparisons: readonly ApiComparison[], acceptBreaking: boolean): number {
  if (comparisons.some((comparison) => comparison.overlayProblem !== undefined)) return 2;
  const breaking = comparisons.some((comparison) => comparison.changes.some((change) => change.breaking));
  return breaking && !acceptBreaking ? 1 : 0;
}

/** Runs the command; returns the exit code. */
export function main(argv: string[] = process.argv.slice(2)): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      api: { type: "string" },
      base: { type: "string", default: "HEAD" },
      before: { type: "string" },
      after: { type: "string" },
      "accept-breaking": { type: "boolean", default: false },
    },
  });
  const exported = exportedClientTypes();
  let comparisons: ApiComparison[];
  if (values.before !== undefined || values.after !== undefined) {
    if (values.before === undefined || values.after === undefined) {
      console.error("spec:diff: --before and --after go together (two bundled documents, JSON or YAML)");
      return 2;
    }
    const api = values.api ?? "spec";
    const read = (file: string) => parseDocument(readFileSync(file, "utf8"), file);
    comparisons = [{ api, changes: specChanges(api, read(values.before), read(values.after), exported) }];
  } else {
    const before: FileReader = gitReader(root, values.base);
    if (before("redocly.yaml") === undefined) {
      console.error(
        `spec:diff: cannot read redocly.yaml at ${values.base} (not a git checkout?); compare two files with --before and --after`,
      );
      return 2;
    }
    comparisons = compareTrees(before, folderReader(root), exported).filter(
      (comparison) => values.api === undefined || comparison.api === values.api,
    );
  }
  const { count } = printComparisons(comparisons);
  const against = values.before ?? values.base;
  if (count === 0) console.log(`spec:diff: no change against ${against}.`);
  const code = exitCodeOf(comparisons, values["accept-breaking"]);
  if (code === 1) {
    console.error(
      "spec:diff: breaking changes (above). Review them; if the vendor really made them, adapt the client " +
        "and rerun with --accept-breaking.",
    );
  }
  return code;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
