// npm run spec:import -- <api> <file> [--source <url>] [--date YYYY-MM-DD] [--accept-breaking]
//
// Takes a vendor's OpenAPI document exactly as published and puts it in place of the API's vendor
// file, then classifies what changed (npm run spec:diff) before anything is regenerated.
// - The bytes are stored as published, in the format published (a JSON document stays .json): a
//   later update is then a plain diff against the vendor's own file, and the file can be checked
//   against the source by its sha256. Biome does not format specs/ (biome.json), so lint never
//   rewrites a vendor file. When the file name changes, the old file is removed and redocly.yaml's
//   `root` follows.
// - The provenance the overlay records for the vendor file (info.x-provenance: version, retrieved,
//   document, sha256) is updated; lint:specs fails while it does not match the document's info.version.
// Exit codes are spec:diff's: 1 on a breaking change (unless --accept-breaking), 2 when the overlay no
// longer applies (the import is kept: fix the overlay, then run spec:diff again).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  isMap,
  isSeq,
  parseDocument as parseYamlDocument,
  type YAMLMap,
  Document as YamlDocument,
} from "yaml";
import { type ApiComparison, compareTrees, type ExportedTypes } from "./lib/spec-diff.js";
import { apiSources, folderReader, gitReader, parseDocument } from "./lib/spec-source.js";
import { exportedClientTypes, printComparisons } from "./spec-diff.js";

const repoRoot = resolve(import.meta.dirname, "..");

/** What {@link importSpec} did. */
export interface ImportResult {
  /** The vendor file now in the repository, relative to the root. */
  readonly stored: string;
  /** The vendor file it replaced, when its name differs (removed). */
  readonly replaced: string | undefined;
  /** The document's info.version, now recorded as the provenance version. */
  readonly version: string;
  /** The overlay whose provenance was updated. */
  readonly overlay: string;
}

/** Options of {@link importSpec}. */
export interface ImportOptions {
  /** The repository (or a copy of its specs and redocly.yaml). */
  readonly root: string;
  readonly api: string;
  /** The vendor's file, as downloaded. */
  readonly file: string;
  /** Where it was published (a URL); default: the previous provenance's `document`. */
  readonly source?: string;
  /** When it was taken, YYYY-MM-DD; default today (UTC). */
  readonly date?: string;
}

/**
 * Stores a vendor document byte for byte as the API's vendor file and records its provenance in the
 * API's overlay. Throws, changing nothing, when the file is not an OpenAPI document with an
 * info.version or the API is not in redocly.yaml.
 */
export function importSpec(options: ImportOptions): ImportResult {
  const { root, api, file } = options;
  const bytes = readFileSync(file);
  const text = bytes.toString("utf8");
  const name = basename(file);
  const document = parseDocument(text, name);
  const info = document.info as { version?: unknown } | undefined;
  if (typeof info?.version !== "string" || info.version === "") {
    throw new Error(`${file}: the document has no info.version, so its provenance cannot be recorded`);
  }
  const source = apiSources(folderReader(root)).find((entry) => entry.api === api);
  if (source === undefined) throw new Error(`${api}: not an API of redocly.yaml`);
  if (source.overlay === undefined) {
    throw new Error(`${api}: redocly.yaml gives it no overlay, so there is nowhere to record provenance`);
  }
  const stored = join(dirname(source.root), name);
  const replaced = stored === source.root ? undefined : source.root;

  const overlayPath = join(root, source.overlay);
  const overlay = parseYamlDocument(readFileSync(overlayPath, "utf8"), { keepSourceTokens: true });
  const actions = overlay.get("actions");
  if (!isSeq(actions)) throw new Error(`${source.overlay}: no actions list`);
  let infoAction = actions.items.find((item) => isMap(item) && item.get("target") === "$.info");
  if (!isMap(infoAction)) {
    infoAction = overlay.createNode({
      target: "$.info",
      description: "Record where the vendor text came from, so a reviewer can compare it with the source.",
      update: {},
    });
    actions.items.unshift(infoAction as YAMLMap);
  }
  const action = infoAction as YAMLMap;
  const previous = action.getIn(["update", "x-provenance", "document"]);
  const provenance: Record<string, string> = {
    version: info.version,
    retrieved: options.date ?? new Date().toISOString().slice(0, 10),
    document: options.source ?? (typeof previous === "string" ? previous : name),
    file: name,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  const overlayText = readFileSync(overlayPath, "utf8");
  const node = action.getIn(["update", "x-provenance"], true);
  let updatedOverlay: string;
  if (isMap(node) && node.range) {
    // Rewrite only the provenance block, so the rest of the overlay (comments, folded text) stays as written.
    for (const [key, value] of Object.entries(provenance)) node.set(key, value);
    const [start, end] = node.range;
    const column = start - (overlayText.lastIndexOf("\n", start - 1) + 1);
    const block = new YamlDocument(node)
      .toString({ lineWidth: 0 })
      .trimEnd()
      .split("\n")
      .join(`\n${" ".repeat(column)}`);
    updatedOverlay = `${overlayText.slice(0, start)}${block}\n${overlayText.slice(end).replace(/^\n/, "")}`;
  } else {
    for (const [key, value] of Object.entries(provenance))
      action.setIn(["update", "x-provenance", key], value);
    updatedOverlay = overlay.toString();
  }

  writeFileSync(join(root, stored), bytes);
  writeFileSync(overlayPath, updatedOverlay);
  if (replaced !== undefined) {
    const config = parseYamlDocument(readFileSync(join(root, "redocly.yaml"), "utf8"));
    config.setIn(["apis", api, "root"], stored);
    writeFileSync(join(root, "redocly.yaml"), config.toString({ lineWidth: 0 }));
    if (existsSync(join(root, replaced))) rmSync(join(root, replaced));
  }
  return { stored, replaced, version: info.version, overlay: source.overlay };
}

/** Runs the command; returns the exit code. */
export function main(argv: string[] = process.argv.slice(2)): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      source: { type: "string" },
      date: { type: "string" },
      "accept-breaking": { type: "boolean", default: false },
    },
  });
  const [api, file] = positionals;
  if (api === undefined || file === undefined || positionals.length !== 2) {
    console.error("usage: npm run spec:import -- <api> <file> [--source <url>] [--date YYYY-MM-DD]");
    return 2;
  }
  if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) {
    console.error(`spec:import: --date must be YYYY-MM-DD (got ${JSON.stringify(values.date)})`);
    return 2;
  }
  const result = importSpec({
    root: repoRoot,
    api,
    file: resolve(file),
    source: values.source,
    date: values.date,
  });
  console.log(
    `spec:import: ${result.stored} is now the vendor's ${api} document v${result.version}` +
      `${result.replaced ? ` (replacing ${result.replaced})` : ""}; provenance recorded in ${result.overlay}.`,
  );
  const head = gitReader(repoRoot, "HEAD");
  if (head("redocly.yaml") === undefined) {
    console.log(
      "spec:import: not a git checkout, so there is no committed spec to classify the update against.",
    );
    return 0;
  }
  const exported: ExportedTypes = exportedClientTypes(repoRoot);
  const comparisons: ApiComparison[] = compareTrees(
    gitReader(repoRoot, "HEAD"),
    folderReader(repoRoot),
    exported,
  ).filter((comparison) => comparison.api === api);
  const { breaking, overlayFailed } = printComparisons(comparisons);
  if (overlayFailed) return 2;
  if (breaking && !values["accept-breaking"]) {
    console.error(
      "spec:import: the update has breaking changes (above); review them before `npm run generate`.",
    );
    return 1;
  }
  console.log("spec:import: next, `npm run generate` and review generated/ with the change.");
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
