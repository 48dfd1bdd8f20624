// Verification 1, against the spec: every interaction of every pact in contracts/pacts/ is compared
// with its provider's bundled spec (generated/openapi/<api>.json) by @pactflow/openapi-pact-comparator:
// the path and method exist, the request headers and body satisfy the request schema, and the response
// body satisfies the schema for its status.
//
// Two gaps of the comparator are closed here, not by hand-written field checks:
// - With apiKey security schemes it only checks that one such header is present and ignores values.
//   specForVerification() gives the comparator a copy of the spec in which every header security
//   scheme is also a required header parameter with the scheme's `x-pattern` (declared once, in
//   specs/<api>/overlay.yaml), so each missing or malformed signing header fails on its own.
// - It checks requests only for interactions answered below HTTP 400. Our rejected interactions
//   (signature rejected, request expired, ...) are still requests the real client sent, so their
//   request half is compared too, as if it had been accepted.
//
// Run alone with `tsx contracts/verify-spec.ts`; `npm run contracts:verify` runs it with the provider
// verification.
import { basename, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { Comparator, type Result } from "@pactflow/openapi-pact-comparator";
import { bundledSpecPath } from "../scripts/lib/apis.js";
import { NOTIFICATIONS_CONSUMER, type PactMessage, verifyNotificationMessages } from "./notifications.js";
import { isApiName, PACTS_DIR, type PactFile, ROOT, readBundledSpec, readPactFiles } from "./pacts.js";

type JsonObject = Record<string, unknown>;

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A signing header, as declared by an apiKey security scheme with its `x-pattern`. */
interface SigningHeader {
  scheme: string;
  name: string;
  pattern: string;
}

/** Every apiKey-in-header security scheme of the spec; throws when one does not state its format. */
export function signingHeaders(spec: JsonObject): Map<string, SigningHeader> {
  const components = isObject(spec.components) ? spec.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const headers = new Map<string, SigningHeader>();
  for (const [scheme, definition] of Object.entries(schemes)) {
    if (!isObject(definition) || definition.type !== "apiKey" || definition.in !== "header") continue;
    const pattern = definition["x-pattern"];
    if (typeof pattern !== "string") {
      throw new Error(
        `security scheme ${scheme} (header ${String(definition.name)}) has no x-pattern: state the header's format in specs/<api>/overlay.yaml`,
      );
    }
    new RegExp(pattern, "u"); // throws on a pattern Ajv could not compile either
    headers.set(scheme, { scheme, name: String(definition.name), pattern });
  }
  return headers;
}

/** The schemes an operation's security demands in every alternative (so each must be present). */
export function demandedSchemes(security: unknown): string[] {
  if (!Array.isArray(security) || security.length === 0) return [];
  const alternatives = security.filter(isObject).map((requirement) => Object.keys(requirement));
  const [first = [], ...rest] = alternatives;
  return first.filter((scheme) => rest.every((names) => names.includes(scheme)));
}

/**
 * A copy of the spec in which every header security scheme an operation demands is also a required
 * header parameter of that operation, with `{type: string, pattern: x-pattern}`. The spec itself
 * (and so the generated types, which keep the headers out of call signatures) is unchanged.
 */
export function specForVerification(spec: JsonObject): JsonObject {
  const copy = structuredClone(spec);
  const headers = signingHeaders(copy);
  const paths = isObject(copy.paths) ? copy.paths : {};
  for (const pathItem of Object.values(paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const parameters = Array.isArray(operation.parameters) ? [...operation.parameters] : [];
      const declared = new Set(
        parameters.filter(isObject).map((parameter) => String(parameter.name).toLowerCase()),
      );
      for (const scheme of demandedSchemes(operation.security ?? copy.security)) {
        const header = headers.get(scheme);
        if (header === undefined || declared.has(header.name.toLowerCase())) continue;
        parameters.push({
          name: header.name,
          in: "header",
          required: true,
          description: `Security scheme ${scheme}, checked as a header (contracts/verify-spec.ts).`,
          schema: { type: "string", pattern: header.pattern },
        });
      }
      operation.parameters = parameters;
    }
  }
  return copy;
}

/** One disagreement between a pact and its spec. */
export interface SpecFinding {
  code: string;
  type: "error" | "warning";
  message: string;
  interaction: string;
  state: string;
  location: string;
}

function interactionIndex(result: Result): number | undefined {
  const match = /^\[root\]\.interactions\[(\d+)\]/.exec(result.mockDetails?.location ?? "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function toFinding(result: Result, pact: PactFile): SpecFinding {
  const index = interactionIndex(result);
  const interaction = index === undefined ? undefined : pact.interactions[index];
  return {
    code: result.code,
    type: result.type,
    message: result.message,
    interaction: interaction?.description ?? result.mockDetails?.interactionDescription ?? "(pact)",
    state: interaction?.providerStates?.map((state) => state.name).join("; ") ?? "",
    location: result.mockDetails?.location ?? result.specDetails?.location ?? "",
  };
}

async function collect(results: AsyncGenerator<Result>): Promise<Result[]> {
  const all: Result[] = [];
  for await (const result of results) all.push(result);
  return all;
}

/**
 * Compares one pact with one spec and returns every error and warning (both fail the suite: a warning
 * is an undeclared header or content type, i.e. a contract the spec does not describe).
 */
export async function compareWithSpec(pact: PactFile, spec: JsonObject): Promise<SpecFinding[]> {
  const comparator = new Comparator(specForVerification(spec));
  const results = await collect(comparator.compare(pact));

  // The request half of rejected interactions, compared as if accepted (the comparator skips it).
  const rejected = new Set(
    pact.interactions.flatMap((interaction, index) => (interaction.response.status >= 400 ? [index] : [])),
  );
  if (rejected.size > 0) {
    const asAccepted: PactFile = {
      ...pact,
      interactions: pact.interactions.map((interaction, index) =>
        rejected.has(index) ? { ...interaction, response: { status: 200 } } : interaction,
      ),
    };
    for (const result of await collect(comparator.compare(asAccepted))) {
      const index = interactionIndex(result);
      if (result.code.startsWith("request.") && index !== undefined && rejected.has(index)) {
        results.push(result);
      }
    }
  }
  return results.map((result) => toFinding(result, pact));
}

/** The outcome for one pact file. */
export interface PactSpecReport {
  file: string;
  spec: string;
  interactions: number;
  findings: SpecFinding[];
}

/** Verifies every pact in `dir` against its provider's bundled spec. */
export async function verifyPactsAgainstSpecs(dir: string = PACTS_DIR): Promise<PactSpecReport[]> {
  const reports: PactSpecReport[] = [];
  for (const { file, pact } of readPactFiles(dir)) {
    const api = pact.provider.name;
    if (!isApiName(api)) {
      reports.push({
        file,
        spec: "(none)",
        interactions: pact.interactions.length,
        findings: [
          {
            code: "pact.provider.unknown",
            type: "error",
            message: `no spec for provider "${api}" (expected one of the apis in redocly.yaml)`,
            interaction: "(pact)",
            state: "",
            location: "[root].provider.name",
          },
        ],
      });
      continue;
    }
    const notifications = pact.consumer.name === NOTIFICATIONS_CONSUMER;
    reports.push({
      file,
      spec: bundledSpecPath(api),
      interactions: pact.interactions.length,
      findings: notifications
        ? verifyNotificationMessages(api, pact.interactions as unknown as PactMessage[], readBundledSpec(api))
        : await compareWithSpec(pact, readBundledSpec(api)),
    });
  }
  return reports;
}

/** Prints the reports; returns true when every interaction of every pact matches its spec. */
export function printSpecReports(reports: PactSpecReport[], dir: string = PACTS_DIR): boolean {
  if (reports.length === 0) {
    console.error(
      `verify-spec: no pact files in ${relative(ROOT, dir)}/ — run \`npm run test:contracts\` first.`,
    );
    return false;
  }
  let ok = true;
  for (const report of reports) {
    const name = basename(report.file);
    if (report.findings.length === 0) {
      console.log(`verify-spec: ✓ ${name}: ${report.interactions} interactions match ${report.spec}`);
      continue;
    }
    ok = false;
    console.error(`verify-spec: ✗ ${name} disagrees with ${report.spec}:`);
    for (const finding of report.findings) {
      const given = finding.state === "" ? "" : ` (given ${finding.state})`;
      console.error(`  - "${finding.interaction}"${given}`);
      console.error(`    ${finding.type} ${finding.code} at ${finding.location}: ${finding.message}`);
    }
  }
  return ok;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ok = printSpecReports(await verifyPactsAgainstSpecs());
  process.exit(ok ? 0 : 1);
}
