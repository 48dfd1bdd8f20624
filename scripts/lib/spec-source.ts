// Reads each API's vendor document and overlay as redocly.yaml names them, from the working tree, from
// a git revision, or from any folder (a copy of the specs), and applies the overlay in-process with
// the same code as the Redocly preprocessor (scripts/redocly/overlay.js). The result is the bundled
// document `npm run generate` writes to generated/openapi/<api>.json (the specs hold no external
// references, so bundling adds nothing else), which is what spec:diff compares.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { applyOverlay } from "../redocly/overlay.js";

type JsonObject = Record<string, unknown>;

/** Reads a repository file by its path relative to the repository root; undefined when absent. */
export type FileReader = (path: string) => string | undefined;

/** Reads files from a folder (the working tree, or a copy of it). */
export function folderReader(root: string): FileReader {
  return (path) => {
    const file = join(root, path);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  };
}

/** Reads files as committed at `revision` (e.g. HEAD) in the git repository at `root`. */
export function gitReader(root: string, revision: string): FileReader {
  return (path) => {
    const shown = spawnSync("git", ["show", `${revision}:${path}`], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return shown.status === 0 ? shown.stdout : undefined;
  };
}

/** Where redocly.yaml says an API's vendor document and overlay are. */
export interface ApiSource {
  readonly api: string;
  readonly root: string;
  readonly overlay: string | undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The APIs of redocly.yaml, as `read` sees it. */
export function apiSources(read: FileReader): ApiSource[] {
  const text = read("redocly.yaml");
  if (text === undefined) throw new Error("redocly.yaml not found");
  const config = parse(text) as JsonObject;
  const apis = isObject(config.apis) ? config.apis : {};
  return Object.entries(apis).map(([api, entry]) => {
    const settings = isObject(entry) ? entry : {};
    const preprocessors = isObject(settings.preprocessors) ? settings.preprocessors : {};
    const apply = preprocessors["payclients/apply-overlay"];
    return {
      api,
      root: String(settings.root),
      overlay: isObject(apply) && typeof apply.overlay === "string" ? apply.overlay : undefined,
    };
  });
}

/** Parses an OpenAPI document published as JSON or YAML. */
export function parseDocument(text: string, name: string): JsonObject {
  const parsed: unknown = name.endsWith(".json") ? JSON.parse(text) : parse(text);
  if (!isObject(parsed) || typeof parsed.openapi !== "string") {
    throw new Error(`${name}: not an OpenAPI document (no \`openapi\` version at its top)`);
  }
  return parsed;
}

/** The overlay-applied document of one API, or undefined when `read` has no such API. */
export function bundledDocument(read: FileReader, api: string): JsonObject | undefined {
  const source = apiSources(read).find((entry) => entry.api === api);
  if (source === undefined) return undefined;
  const text = read(source.root);
  if (text === undefined) return undefined;
  const document = parseDocument(text, source.root);
  if (source.overlay !== undefined) {
    const overlay = read(source.overlay);
    if (overlay === undefined) throw new Error(`${api}: overlay ${source.overlay} not found`);
    applyOverlay(document, parse(overlay));
  }
  return document;
}

/** One API's document on one side of a comparison, or why there is none. */
export type SideDocument =
  | { readonly kind: "bundled"; readonly document: JsonObject }
  | { readonly kind: "absent" }
  /** The overlay does not apply; `vendor` is the vendor document alone, `problem` the overlay's error. */
  | { readonly kind: "overlay-failed"; readonly vendor: JsonObject; readonly problem: string };

/** Like {@link bundledDocument}, but an overlay that does not apply is reported, not thrown. */
export function sideDocument(read: FileReader, api: string): SideDocument {
  const source = apiSources(read).find((entry) => entry.api === api);
  const text = source === undefined ? undefined : read(source.root);
  if (source === undefined || text === undefined) return { kind: "absent" };
  try {
    const document = bundledDocument(read, api);
    if (document !== undefined) return { kind: "bundled", document };
  } catch (error) {
    return {
      kind: "overlay-failed",
      vendor: parseDocument(text, source.root),
      problem: (error as Error).message,
    };
  }
  return { kind: "absent" };
}

/** The vendor document alone (no overlay) of one side. */
export function vendorDocument(read: FileReader, api: string): JsonObject | undefined {
  const source = apiSources(read).find((entry) => entry.api === api);
  const text = source === undefined ? undefined : read(source.root);
  return source === undefined || text === undefined ? undefined : parseDocument(text, source.root);
}
