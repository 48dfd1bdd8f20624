// Rewrites the README's Performance figures from a saved `npm run bench -- --json` output:
//   npm run -s bench -- --json > .tmp/bench.json && npx tsx scripts/bench/readme.ts .tmp/bench.json
import { readFileSync } from "node:fs";
import { writeReadmeTable } from "./lib/markdown.js";
import type { BenchResult } from "./lib/result.js";

const file = process.argv[2];
if (file === undefined) {
  console.error("usage: tsx scripts/bench/readme.ts <bench.json>");
  process.exit(2);
}
writeReadmeTable(JSON.parse(readFileSync(file, "utf8")) as BenchResult);
console.error(`README.md: Performance figures rewritten from ${file}`);
