// @ts-check
// Redocly plugin: a preprocessor that applies a spec's overlay before lint and bundle, so both see
// the same document (decorators would run only at bundle time, after lint).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { applyOverlay } from "./overlay.js";

const repoRoot = resolve(import.meta.dirname, "..", "..");

/** @param {{ overlay?: string }} options */
function applyOverlayPreprocessor(options) {
  if (typeof options.overlay !== "string")
    throw new Error("payclients/apply-overlay: the `overlay` option (a path) is required");
  const overlay = parse(readFileSync(resolve(repoRoot, options.overlay), "utf8"));
  return {
    Root: {
      /** @param {Record<string, unknown>} root */
      enter(root) {
        applyOverlay(root, overlay);
      },
    },
  };
}

/** The payclients Redocly plugin. */
export default function payclientsPlugin() {
  return {
    id: "payclients",
    preprocessors: {
      oas3: { "apply-overlay": applyOverlayPreprocessor },
    },
  };
}
