// The product never refers to a file outside its repository: a user's clone has none of the
// workplace's shared notes, so every rule's evidence must live in docs/ or specs/<api>/source/.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const OUTSIDE =
  /\.\.\/shared\/|shared\/seeds|shared\/PROVIDERS|PROVIDERS\.md|DESIGN\.md|STYLE\.md|\/work\/(?:shared|main|team)/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("references", () => {
  it("point into the repository from src/, specs/, docs/, generated/, contracts/, scripts/ and the README", () => {
    const files = ["src", "specs", "docs", "generated", "contracts", "scripts"]
      .flatMap((dir) => filesUnder(join(ROOT, dir)))
      .concat(join(ROOT, "README.md"));
    const offending = files
      .filter((file) => OUTSIDE.test(readFileSync(file, "utf8")))
      .map((file) => relative(ROOT, file));
    expect(offending).toStrictEqual([]);
    expect(files.length).toBeGreaterThan(100);
  });
});
