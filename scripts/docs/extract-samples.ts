// Collects every TypeScript sample a reader of the docs sees (each operation's and webhook's
// x-codeSamples in the bundled specs, and each snippet of the landing page) and writes them out as modules, so that
// `npm run check:samples` can type-check them against the package source.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { landingSnippets } from "./landing-content.js";
import { readApis } from "./spec-model.js";

/** One sample as a module to type-check, with where a reader finds it. */
export interface Sample {
  /** File name stem, e.g. "gatepay-otc.createRecharge" or "landing.daxpay". */
  name: string;
  /** Where a reader sees the sample, for error messages. */
  origin: string;
  /** Where to change it. */
  editIn: string;
  source: string;
}

/** True for the languages we type-check (Redoc labels ours "TypeScript"). */
function isTypeScript(lang: string): boolean {
  return ["typescript", "ts"].includes(lang.toLowerCase());
}

/** Every TypeScript sample of the bundled specs and of the landing page, in a stable order. */
export function collectSamples(root: string): Sample[] {
  const samples: Sample[] = [];
  for (const api of readApis(root)) {
    const documented = [
      ...api.operations.map((operation) => ({
        ...operation,
        where: `${operation.operationId} (${operation.method.toUpperCase()} ${operation.path})`,
      })),
      ...api.webhooks.map((webhook) => ({ ...webhook, where: `webhook ${webhook.name}` })),
    ];
    for (const { operationId, codeSamples, where } of documented) {
      const typescript = codeSamples.filter((sample) => isTypeScript(sample.lang));
      typescript.forEach((sample, index) => {
        const suffix = typescript.length > 1 ? `.${index}` : "";
        samples.push({
          name: `${api.api}.${operationId}${suffix}`,
          origin: `x-codeSamples "${sample.label}" of ${where} in generated/openapi/${api.api}.json`,
          // Every spec's additions live in its overlay (wired in redocly.yaml), never in vendor text.
          editIn: `specs/${api.api}/overlay.yaml, then run npm run generate`,
          source: sample.source,
        });
      });
    }
  }
  for (const snippet of landingSnippets()) {
    if (snippet.lang !== "typescript") continue;
    samples.push({
      name: `landing.${snippet.id}`,
      origin: `landing page snippet "${snippet.id}" (site/index.html)`,
      editIn: "scripts/docs/landing-content.ts",
      source: snippet.code,
    });
  }
  return samples;
}

/** Empties `dir` and writes each sample as `<name>.ts`, as ES modules; returns the files written. */
export function writeSamples(samples: Sample[], dir: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Samples use top-level await, which needs the files to be ES modules wherever `dir` is.
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
  return samples.map((sample) => {
    const file = join(dir, `${sample.name}.ts`);
    writeFileSync(file, sample.source);
    return file;
  });
}
