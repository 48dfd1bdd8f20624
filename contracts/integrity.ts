// What makes a set of pacts whole, checked before anything is verified against them: a partial pact
// (a consumer run that failed part-way, a file cut short) would otherwise verify "green" on what is left.
//   - every API of redocly.yaml has its pact, and it parses as a Pact file;
//   - each pact holds exactly the interactions its consumer test declares (one `.uponReceiving(` per
//     interaction in contracts/<api>.pact.test.ts: an interaction added in a loop makes the counts
//     differ, which fails loudly rather than passing on less);
//   - each notification (message) pact, payclients-notifications-<api>.json, holds exactly the
//     messages contracts/notifications.pact.test.ts declares for that API: one `.expectsToReceive(`
//     per message, counted for the API of the nearest `pactFor("<api>")` before it (the same rule: a
//     message added in a loop, or for an API named by a variable, makes the counts differ);
//   - in a git checkout, each pact is byte for byte the committed one.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { API_NAMES } from "../scripts/lib/apis.js";
import { CONSUMER, NOTIFICATIONS_CONSUMER, PACTS_DIR, ROOT } from "./pacts.js";

/** The consumer test file that writes an API's pact. */
export function consumerTestPath(api: string, root: string = ROOT): string {
  return join(root, "contracts", `${api}.pact.test.ts`);
}

/** How many interactions a consumer test declares: its `.uponReceiving(` calls. */
export function declaredInteractions(testSource: string): number {
  return testSource.match(/\.uponReceiving\(/g)?.length ?? 0;
}

/** The consumer test file that writes every notification (message) pact. */
export function notificationsTestPath(root: string = ROOT): string {
  return join(root, "contracts", "notifications.pact.test.ts");
}

/**
 * How many messages the notification consumer test declares, per API: each `.expectsToReceive(`
 * counts for the API of the nearest `pactFor("<api>")` before it. Messages after a `pactFor(` whose
 * API is not a string literal count under the key "" (no pact can hold them, so they are reported).
 */
export function declaredMessages(testSource: string): Map<string, number> {
  const counts = new Map<string, number>();
  let api: string | undefined;
  for (const token of testSource.matchAll(/\bpactFor\(\s*(?:"([^"]*)"|'([^']*)')?|\.expectsToReceive\(/g)) {
    if (token[0].startsWith("pactFor")) {
      api = token[1] ?? token[2] ?? "";
      continue;
    }
    const key = api ?? "";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Reads a file as committed at HEAD; undefined outside git or when HEAD has no such file. */
export type CommittedReader = (path: string) => string | undefined;

/** Reads committed files with `git show HEAD:<path>`; undefined (no comparison) outside a git checkout. */
export function gitCommitted(root: string = ROOT): CommittedReader | undefined {
  const inside = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: root, encoding: "utf8" });
  if (inside.status !== 0 || inside.stdout.trim() !== "true") return undefined;
  return (path) => {
    const shown = spawnSync("git", ["show", `HEAD:${path}`], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return shown.status === 0 ? shown.stdout : undefined;
  };
}

/** Where to look: the pacts folder, the repository root (tests and git), and the APIs. */
export interface IntegrityOptions {
  readonly dir?: string;
  readonly root?: string;
  readonly apis?: readonly string[];
  /** How to read the committed pacts; undefined skips that comparison (not a git checkout). */
  readonly committed?: CommittedReader;
}

/** What one pact must hold, and where that is declared. */
interface Expectation {
  /** The pact file. */
  readonly file: string;
  /** What its entries are called in a problem: "interactions" or "messages". */
  readonly noun: "interactions" | "messages";
  /** How many entries its consumer test declares. */
  readonly declared: number;
  /** The sentence that names the declaration, e.g. "contracts/daxpay.pact.test.ts declares 9". */
  readonly declaredBy: string;
  /** A missing file is a problem only when something is declared for it. */
  readonly required: boolean;
}

function count(n: number, noun: "interactions" | "messages"): string {
  // Kept as it always read for interactions ("1 interactions"), which tests and scripts match.
  return noun === "messages" && n === 1 ? "1 message" : `${n} ${noun}`;
}

function problemsOf(expectation: Expectation, root: string, committed?: CommittedReader): string[] {
  const { file, noun, declared, declaredBy } = expectation;
  const name = relative(root, file);
  if (!existsSync(file)) return expectation.required ? [`${name}: missing (run npm run test:contracts)`] : [];
  const text = readFileSync(file, "utf8");
  let entries: unknown;
  try {
    entries = (JSON.parse(text) as { interactions?: unknown }).interactions;
  } catch (error) {
    return [`${name}: truncated or not JSON (${(error as Error).message}); run npm run test:contracts`];
  }
  if (!Array.isArray(entries)) return [`${name}: no interactions list, so not a Pact file`];
  const problems: string[] = [];
  if (entries.length !== declared) {
    problems.push(
      `${name}: ${count(entries.length, noun)}, but ${declaredBy}` +
        " (a consumer run that stopped part-way, or a pact edited by hand)",
    );
  }
  if (committed !== undefined) {
    const held = committed(name);
    if (held === undefined) problems.push(`${name}: not committed (git has no such file at HEAD)`);
    else if (held !== text) problems.push(`${name}: differs from the committed pact (git diff -- ${name})`);
  }
  return problems;
}

/**
 * Everything wrong with the pacts, HTTP and notification (message) pacts alike; empty when each is
 * present, whole and committed. Each problem is one line starting with the pact's path relative to
 * `root`. Throws only when a file exists but cannot be read.
 */
export function pactIntegrityProblems(options: IntegrityOptions = {}): string[] {
  const dir = options.dir ?? PACTS_DIR;
  const root = options.root ?? ROOT;
  const apis = options.apis ?? API_NAMES;
  const problems: string[] = [];
  const messagesTest = notificationsTestPath(root);
  const messagesTestName = relative(root, messagesTest);
  const messages = existsSync(messagesTest)
    ? declaredMessages(readFileSync(messagesTest, "utf8"))
    : new Map<string, number>();
  for (const api of apis) {
    const testFile = consumerTestPath(api, root);
    const declared = existsSync(testFile) ? declaredInteractions(readFileSync(testFile, "utf8")) : 0;
    problems.push(
      ...problemsOf(
        {
          file: join(dir, `${CONSUMER}-${api}.json`),
          noun: "interactions",
          declared,
          declaredBy: `${relative(root, testFile)} declares ${declared}`,
          required: true,
        },
        root,
        options.committed,
      ),
    );
  }
  for (const api of apis) {
    const declared = messages.get(api) ?? 0;
    problems.push(
      ...problemsOf(
        {
          file: join(dir, `${NOTIFICATIONS_CONSUMER}-${api}.json`),
          noun: "messages",
          declared,
          declaredBy: `${messagesTestName} declares ${declared} for ${api}`,
          required: declared > 0,
        },
        root,
        options.committed,
      ),
    );
  }
  // Messages no pact can hold: they would otherwise be declared and never checked.
  for (const [api, declared] of messages) {
    if (api === "") {
      problems.push(
        `${messagesTestName}: ${count(declared, "messages")} after a pactFor( without a literal API name,` +
          " so no pact can be checked against them",
      );
    } else if (!(API_NAMES as readonly string[]).includes(api)) {
      problems.push(
        `${messagesTestName}: ${count(declared, "messages")} for "${api}", not an API of redocly.yaml`,
      );
    }
  }
  return problems;
}
