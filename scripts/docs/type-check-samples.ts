// Type-checks extracted samples with the TypeScript compiler, under the options of
// tsconfig.samples.json (the project's strict settings, `payclients` mapped to src/index.ts), and
// reports each error against the sample a reader sees, not against the compiler's view of it.
import { basename, join, relative } from "node:path";
import ts from "typescript";
import type { Sample } from "./extract-samples.js";

/** The config that `npx tsc -p scripts/docs/tsconfig.samples.json` also uses. */
export const SAMPLES_TSCONFIG = join(import.meta.dirname, "tsconfig.samples.json");

/** One compiler error in a sample; line and column are 1-based, as in an editor. */
export interface SampleProblem {
  /** The sample's name (its file name without `.ts`), or "(compiler)" for errors in no sample. */
  sample: string;
  line: number;
  column: number;
  /** The TypeScript error code, e.g. 2551. */
  code: number;
  message: string;
}

function readCompilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(SAMPLES_TSCONFIG, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(
        `${SAMPLES_TSCONFIG}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`,
      );
    },
  });
  if (parsed === undefined) throw new Error(`${SAMPLES_TSCONFIG}: could not be read`);
  return parsed.options;
}

function toProblem(diagnostic: ts.Diagnostic): SampleProblem {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (diagnostic.file === undefined || diagnostic.start === undefined) {
    return { sample: "(compiler)", line: 0, column: 0, code: diagnostic.code, message };
  }
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const sample = basename(diagnostic.file.fileName).replace(/\.ts$/, "");
  return { sample, line: line + 1, column: character + 1, code: diagnostic.code, message };
}

/**
 * Type-checks the sample files and returns their errors (none when all pass). `payclients` points
 * the package name at another module, so tests can check the checker without the real client.
 */
export function typeCheckSamples(files: string[], options: { payclients?: string } = {}): SampleProblem[] {
  const compilerOptions = readCompilerOptions();
  if (options.payclients !== undefined) compilerOptions.paths = { payclients: [options.payclients] };
  const program = ts.createProgram({ rootNames: files, options: compilerOptions });
  // Only the samples' own errors: the package source is type-checked by `npm run typecheck`.
  const diagnostics: ts.Diagnostic[] = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`${file}: not part of the sample program`);
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.map(toProblem);
}

/** A report a person can act on: each error with the sample's file, line, origin, and where to fix it. */
export function formatSampleReport(
  problems: SampleProblem[],
  samples: Sample[],
  dir: string,
  root: string,
): string {
  const failing = new Set(problems.map((problem) => problem.sample));
  const lines = [
    `check:samples: ${failing.size} of ${samples.length} samples do not type-check against the package:`,
  ];
  for (const problem of problems) {
    const sample = samples.find((candidate) => candidate.name === problem.sample);
    const file = relative(root, join(dir, `${problem.sample}.ts`));
    lines.push(`  ${file}:${problem.line}:${problem.column} TS${problem.code}: ${problem.message}`);
    if (sample === undefined) continue;
    lines.push(`    sample: ${sample.origin}`, `    edit:   ${sample.editIn}`);
  }
  return lines.join("\n");
}
