// Builds dist/ for the published package: a clean tsc run from the entry points in tsconfig.build.json
// (ESM, .d.ts, source maps with their sources inlined, since src/ does not ship), then checks that what
// was emitted is what package.json promises and nothing that must not ship.
//
// tsc emits every module an entry point imports, whatever `exclude` says, so a test fixture imported
// from shipped code would silently land in dist/. The checks below catch that.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { exportTargets, type PackageEntryPoints } from "./lib/package-json.js";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");

/** Files that must never be emitted: tests, test keys, fixtures. */
const FORBIDDEN_IN_DIST = /(\.test\.|(^|\/)test-keys\.|(^|\/)fixtures?\/|(^|\/)__)/;
/**
 * Key material: a PEM private key with its body (a real newline, or "\n" inside a source map), or a long
 * bare Base64 DER key. The code that only recognises PEM headers does not match.
 */
const KEY_MATERIAL = /-----BEGIN [A-Z ]*PRIVATE KEY-----(\s|\\n)+[A-Za-z0-9+/]{40}|MII[A-Za-z0-9+/]{200,}/;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

function main(): void {
  const started = performance.now();
  rmSync(dist, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
    { cwd: root, stdio: "inherit" },
  );

  const emitted = listFiles(dist);
  const problems: string[] = [];
  for (const file of emitted.filter((name) => FORBIDDEN_IN_DIST.test(name))) {
    problems.push(`dist/${file} must not ship (a test or fixture imported from shipped code?)`);
  }
  for (const file of emitted.filter((name) => KEY_MATERIAL.test(readFileSync(join(dist, name), "utf8")))) {
    problems.push(`dist/${file} contains key material (a test key imported from shipped code?)`);
  }
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageEntryPoints;
  for (const target of exportTargets(pkg)) {
    if (!existsSync(join(root, target)))
      problems.push(`package.json points at ${target}, which was not emitted`);
  }
  for (const js of emitted.filter((name) => name.endsWith(".js"))) {
    for (const sibling of [js.replace(/\.js$/, ".d.ts"), `${js}.map`]) {
      if (!emitted.includes(sibling)) problems.push(`dist/${js} has no dist/${sibling}`);
    }
  }
  if (problems.length > 0) {
    console.error(`build: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`build: dist/ has ${emitted.length} files from the package entry points (${seconds} s)`);
}

main();
