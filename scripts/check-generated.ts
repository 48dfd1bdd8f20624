// npm run check:generated: regenerates into a scratch folder and fails, naming each file, when
// generated/ differs from what the specs produce (someone edited a spec or generated/ by hand).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const committed = join(root, "generated");
const fresh = join(root, ".tmp", "generated-check");

/** Lists every file under `dir`, as paths relative to it, sorted. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const run = spawnSync(
  process.execPath,
  ["--import", "tsx", join(root, "scripts", "generate.ts"), "--out", fresh, "--no-lint"],
  {
    cwd: root,
    encoding: "utf8",
  },
);
if (run.status !== 0) {
  process.stderr.write(`${run.stdout}${run.stderr}`);
  console.error("check:generated: `npm run generate` failed, so generated/ cannot be checked (see above).");
  process.exit(1);
}

const expected = listFiles(fresh);
const actual = listFiles(committed);
const problems: string[] = [];
for (const file of expected) {
  if (!actual.includes(file)) problems.push(`missing: generated/${file}`);
  else if (readFileSync(join(fresh, file), "utf8") !== readFileSync(join(committed, file), "utf8")) {
    problems.push(`stale:   generated/${file}`);
  }
}
for (const file of actual) if (!expected.includes(file)) problems.push(`extra:   generated/${file}`);
rmSync(fresh, { recursive: true, force: true });

if (problems.length > 0) {
  console.error("check:generated: generated/ does not match the specs:");
  for (const line of problems) console.error(`  ${line}`);
  console.error("Run `npm run generate` and commit specs/ and generated/ together.");
  process.exit(1);
}
console.log(`check:generated: ${expected.length} generated files match the specs.`);
