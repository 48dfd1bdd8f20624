// Writes the figures of a bench run into README.md, between the two markers of the "Performance"
// section, so the README's numbers are never typed by hand.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderMarkdown } from "./render.js";
import type { BenchResult } from "./result.js";

const readme = join(resolve(import.meta.dirname, "..", "..", ".."), "README.md");

export const START_MARKER = "<!-- bench:figures:start (written by `npm run bench -- --readme`) -->";
export const END_MARKER = "<!-- bench:figures:end -->";

/** Replaces the text between the markers with the figures of `result`; throws if the markers are missing. */
export function writeReadmeTable(result: BenchResult): void {
  const text = readFileSync(readme, "utf8");
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md has no "${START_MARKER}" … "${END_MARKER}" block in its Performance section`);
  }
  const updated = `${text.slice(0, start + START_MARKER.length)}\n${renderMarkdown(result)}\n${text.slice(end)}`;
  writeFileSync(readme, updated);
}
