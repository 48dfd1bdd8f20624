// npm run check:samples: extracts every TypeScript sample of the docs into .tmp/samples/ and
// type-checks it against the package source (src/index.ts), so a sample cannot drift from the API.
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { collectSamples, writeSamples } from "./extract-samples.js";
import { formatSampleReport, SAMPLES_TSCONFIG, typeCheckSamples } from "./type-check-samples.js";

const root = resolve(import.meta.dirname, "..", "..");
const dir = join(root, ".tmp", "samples");
const entry = join(root, "src", "index.ts");

const samples = collectSamples(root);
const files = writeSamples(samples, dir);
if (!existsSync(entry)) {
  console.error(
    `check:samples: ${relative(root, entry)} does not exist, so the ${samples.length} samples in ` +
      `${relative(root, dir)}/ cannot be checked against the package (${relative(root, SAMPLES_TSCONFIG)} ` +
      "maps `payclients` to it).",
  );
  process.exit(1);
}
const problems = typeCheckSamples(files);
if (problems.length > 0) {
  console.error(formatSampleReport(problems, samples, dir, root));
  process.exit(1);
}
console.log(`check:samples: all ${samples.length} samples type-check against ${relative(root, entry)}.`);
