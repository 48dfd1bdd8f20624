// Issue 15's simulated vendor updates to the GatePay OTC document, replayed on a copy of the specs:
// each gets its classification before regeneration (spec:diff / spec:import), and after it either
// works with no hand edit (the request fields and validators generated from the new document) or
// fails with a message that names the change. The two other scenarios of the issue live with their
// code: contracts that shrink (contracts/integrity.test.ts) and the flaky consumer test
// (contracts/support/consumer.ts, measured by 50 runs of the contracts project).
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { generateRequestFields, requestFields } from "../scripts/lib/requests.js";
import { compareTrees, formatChange, type SpecChange } from "../scripts/lib/spec-diff.js";
import { bundledDocument, folderReader } from "../scripts/lib/spec-source.js";
import { generateValidators } from "../scripts/lib/validators.js";
import { exitCodeOf, exportedClientTypes } from "../scripts/spec-diff.js";
import { importSpec } from "../scripts/spec-import.js";
import { readRequestFields } from "../src/core/validate.js";
import { ValidationError } from "../src/index.js";
import { daxpayRoutes } from "../src/sandbox/daxpay.js";
import { gatepayRoutes } from "../src/sandbox/gatepay.js";
import { payermaxRoutes } from "../src/sandbox/payermax.js";
import { sandboxRouteProblems } from "./support/sandbox-spec.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit vendor documents by path, as a vendor would.
type JsonObject = Record<string, any>;

const ROOT = join(import.meta.dirname, "..");
const OTC = "specs/gatepay-otc/otc-fiat-openapi.yaml";
const OVERLAY = "specs/gatepay-otc/overlay.yaml";
const exported = exportedClientTypes(ROOT);
let copy: string;

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), "payclients-specs-"));
  cpSync(join(ROOT, "specs"), join(copy, "specs"), { recursive: true });
  copyFileSync(join(ROOT, "redocly.yaml"), join(copy, "redocly.yaml"));
});
afterEach(() => rmSync(copy, { recursive: true, force: true }));

/** Edits the copy's vendor document as the vendor would publish it (YAML, same layout). */
function vendorUpdate(edit: (document: JsonObject) => void): void {
  const file = join(copy, OTC);
  const document = parse(readFileSync(file, "utf8")) as JsonObject;
  edit(document);
  writeFileSync(file, stringify(document));
}

/** The copy's overlay, edited as its text (as a maintainer would). */
function editOverlay(edit: (text: string) => string): void {
  const file = join(copy, OVERLAY);
  writeFileSync(file, edit(readFileSync(file, "utf8")));
}

function otcComparison() {
  const comparison = compareTrees(folderReader(ROOT), folderReader(copy), exported).find(
    (entry) => entry.api === "gatepay-otc",
  );
  if (comparison === undefined) throw new Error("gatepay-otc was not compared");
  return comparison;
}

function summary(changes: SpecChange[]) {
  return changes.map(({ level, breaking, rule }) => ({ level, breaking, rule }));
}

/** Renames a key of an object in place, keeping its position. */
function renameKey(object: JsonObject, from: string, to: string): void {
  const entries = Object.entries(object).map(([key, value]) => [key === from ? to : key, value] as const);
  for (const key of Object.keys(object)) delete object[key];
  Object.assign(object, Object.fromEntries(entries));
}

/** Compiles the validators generated from `document` (written under .tmp so tsx/vitest can load them). */
async function compiledValidators(document: JsonObject): Promise<JsonObject> {
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, ".tmp", "scenario-"));
  const file = join(dir, "validators.ts");
  writeFileSync(file, generateValidators(structuredClone(document)));
  try {
    return await import(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A createRecharge request: the vendor's own example of it. */
const RECHARGE: Record<string, string> = (parse(readFileSync(join(ROOT, OTC), "utf8")) as JsonObject)
  .components.schemas.OtcRechargeRequest.example;

describe("a. the vendor publishes JSON (v2.2.0) with a new optional response field", () => {
  const download = () => {
    const document = parse(readFileSync(join(ROOT, OTC), "utf8")) as JsonObject;
    document.info.version = "2.2.0";
    document.components.schemas.OtcRechargeResponse.properties.data.properties.expireTime = {
      type: "string",
      description: "订单过期时间。",
    };
    const file = join(copy, "otc-fiat-openapi.json");
    writeFileSync(file, `${JSON.stringify(document, null, 4)}\n`);
    return file;
  };

  it("left in specs/ beside the old provenance, it fails the spec lint, naming both versions", () => {
    const file = download();
    copyFileSync(file, join(copy, "specs/gatepay-otc/otc-fiat-openapi.json"));
    const config = readFileSync(join(copy, "redocly.yaml"), "utf8");
    writeFileSync(
      join(copy, "redocly.yaml"),
      config.replace("otc-fiat-openapi.yaml", "otc-fiat-openapi.json"),
    );
    expect(() => bundledDocument(folderReader(copy), "gatepay-otc")).toThrow(
      'info.x-provenance.version is "2.1.0" but the vendor document\'s info.version is "2.2.0"',
    );
  });

  it("spec:import stores it byte for byte, records its provenance, and classifies it as non-breaking", () => {
    const file = download();
    const result = importSpec({
      root: copy,
      api: "gatepay-otc",
      file,
      source: "https://example.test/otc.json",
      date: "2026-11-30",
    });
    expect(result).toEqual({
      stored: "specs/gatepay-otc/otc-fiat-openapi.json",
      replaced: OTC,
      version: "2.2.0",
      overlay: OVERLAY,
    });
    expect(readFileSync(join(copy, result.stored))).toEqual(readFileSync(file));
    expect(existsSync(join(copy, OTC))).toBe(false);
    expect(readFileSync(join(copy, "redocly.yaml"), "utf8")).toContain(
      "root: specs/gatepay-otc/otc-fiat-openapi.json",
    );
    const provenance = (bundledDocument(folderReader(copy), "gatepay-otc") as JsonObject | undefined)?.info[
      "x-provenance"
    ];
    expect(provenance).toMatchObject({
      version: "2.2.0",
      retrieved: "2026-11-30",
      document: "https://example.test/otc.json",
      file: "otc-fiat-openapi.json",
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The rest of the overlay is as written: only the provenance block changed.
    const before = readFileSync(join(ROOT, OVERLAY), "utf8").split("\n");
    const after = readFileSync(join(copy, OVERLAY), "utf8").split("\n");
    expect(after.filter((line) => !before.includes(line))).toEqual([
      "        document: https://example.test/otc.json",
      "        version: 2.2.0",
      "        retrieved: 2026-11-30",
      "        file: otc-fiat-openapi.json",
      expect.stringMatching(/^ {8}sha256: [0-9a-f]{64}$/),
    ]);

    const comparison = otcComparison();
    expect(comparison.overlayProblem).toBeUndefined();
    expect(comparison.changes.map(formatChange)).toEqual([
      "gatepay-otc  wire   non-breaking  response-property-added  POST /open/otc/api/recharge response 200: data.expireTime added, optional (string)",
      expect.stringMatching(
        /^gatepay-otc {2}types {2}non-breaking {2}type-optional-property-added {2}components\["schemas"\]\["OtcRechargeResponse"\] \(exported as [^)]*GatePayCreateRechargeResponse[^)]*\): data\.expireTime: added, optional \(string\)$/,
      ),
    ]);
    expect(exitCodeOf([comparison], false)).toBe(0);
  });

  it("is left alone by biome: specs/ is outside what it formats", () => {
    const file = download();
    mkdirSync(join(copy, "specs/gatepay-otc"), { recursive: true });
    copyFileSync(file, join(copy, "specs/gatepay-otc/otc-fiat-openapi.json"));
    rmSync(file);
    // Without git, the vcs integration has no ignore file to read; everything else is the repo's config.
    const config = readFileSync(join(ROOT, "biome.json"), "utf8");
    writeFileSync(
      join(copy, "biome.json"),
      config.replace(
        '"enabled": true,\n    "clientKind": "git",',
        '"enabled": false,\n    "clientKind": "git",',
      ),
    );
    const biome = join(ROOT, "node_modules", ".bin", "biome");
    const checked = spawnSync(biome, ["check", "--error-on-warnings", "."], { cwd: copy, encoding: "utf8" });
    expect(checked.status, `${checked.stdout}${checked.stderr}`).toBe(0);
    // The same file in a folder biome does check is reformatted: the exclusion is what protects it.
    copyFileSync(join(copy, "specs/gatepay-otc/otc-fiat-openapi.json"), join(copy, "elsewhere.json"));
    const elsewhere = spawnSync(biome, ["check", "--error-on-warnings", "."], {
      cwd: copy,
      encoding: "utf8",
    });
    expect(elsewhere.status).not.toBe(0);
    expect(`${elsewhere.stdout}${elsewhere.stderr}`).toContain("elsewhere.json");
  });
});

describe("d. a new required request field `channel`", () => {
  beforeEach(() =>
    vendorUpdate((document) => {
      const schema = document.components.schemas.OtcRechargeRequest;
      schema.properties.channel = { type: "string", description: "汇款渠道，如 SWIFT。" };
      schema.required.push("channel");
    }),
  );

  it("is classified before regeneration as breaking, on the wire and in the exported request type", () => {
    const comparison = otcComparison();
    expect(summary(comparison.changes)).toEqual([
      { level: "wire", breaking: true, rule: "new-required-request-property" },
      { level: "types", breaking: true, rule: "type-required-property-added" },
    ]);
    expect(formatChange(comparison.changes[0] as SpecChange)).toBe(
      "gatepay-otc  wire   BREAKING      new-required-request-property  POST /open/otc/api/recharge request: channel added, required (string)",
    );
    expect(comparison.changes[1]?.where).toMatch(
      /^components\["schemas"\]\["OtcRechargeRequest"\] \(exported as [^)]*GatePayCreateRechargeRequest[^)]*\)$/,
    );
    expect(exitCodeOf([comparison], false)).toBe(1);
    expect(exitCodeOf([comparison], true)).toBe(0);
  });

  it("after regeneration, a request with channel passes the generated fields and validator; one without is refused", async () => {
    const document = bundledDocument(folderReader(copy), "gatepay-otc") as JsonObject;
    const fields = requestFields(document).find((entry) => entry.schema === "OtcRechargeRequest");
    expect(fields?.fields).toEqual([...Object.keys(RECHARGE), "promoCode", "channel"]);
    expect(generateRequestFields(document, "./gatepay-otc.js")).toContain(
      'export const otcRechargeRequestFields = ["quoteToken", "bankId", "currency", "amount", "fiatCurrency", "fiatAmount", "promoCode", "channel"] as const',
    );
    const body = readRequestFields({ ...RECHARGE, channel: "SWIFT" }, fields?.fields ?? []);
    expect(body).toEqual({ ...RECHARGE, channel: "SWIFT" });
    const { validateCreateRechargeRequest } = await compiledValidators(document);
    expect(validateCreateRechargeRequest(body)).toBe(true);
    expect(validateCreateRechargeRequest(RECHARGE)).toBe(false);
    expect(validateCreateRechargeRequest.errors[0]).toMatchObject({
      keyword: "required",
      message: "must have required property 'channel'",
    });
  });
});

describe("f3. request field `amount` renamed `cryptoAmount`, under the overlay's update of `.properties`", () => {
  beforeEach(() =>
    vendorUpdate((document) => {
      const schema = document.components.schemas.OtcRechargeRequest;
      renameKey(schema.properties, "amount", "cryptoAmount");
      schema.required = schema.required.map((name: string) => (name === "amount" ? "cryptoAmount" : name));
      renameKey(schema.example, "amount", "cryptoAmount");
    }),
  );

  it("is classified from the vendor documents, and the overlay refuses to re-create `amount`, naming it", () => {
    const comparison = otcComparison();
    expect(comparison.overlayProblem).toBe(
      'actions[14] ($.components.schemas.OtcRechargeRequest.properties): property "amount" is not in the document ' +
        "($.components.schemas.OtcRechargeRequest.properties), so this action would re-create it: the vendor " +
        "removed or renamed it. Move the refinement to the new name or drop it (a property payclients adds must say its type)",
    );
    expect(comparison.changes.map(formatChange).filter((line) => line.includes("  wire  "))).toEqual([
      "gatepay-otc  wire   BREAKING      request-property-removed  POST /open/otc/api/recharge request: amount removed",
      "gatepay-otc  wire   BREAKING      new-required-request-property  POST /open/otc/api/recharge request: cryptoAmount added, required (string)",
    ]);
    expect(exitCodeOf([comparison], true)).toBe(2);
  });

  it("once the refinement moves to the new name, cryptoAmount is a decimal field and amount is refused", async () => {
    editOverlay((text) =>
      text.replace("      amount:\n        pattern:", "      cryptoAmount:\n        pattern:"),
    );
    const document = bundledDocument(folderReader(copy), "gatepay-otc") as JsonObject;
    const schema = document.components.schemas.OtcRechargeRequest;
    expect(Object.keys(schema.properties)).not.toContain("amount");
    expect(schema.properties.cryptoAmount.pattern).toBe("^(0|[1-9][0-9]*)(\\.[0-9]+)?$");
    const fields = requestFields(document).find((entry) => entry.schema === "OtcRechargeRequest");
    expect(fields?.decimalFields).toEqual(["cryptoAmount", "fiatAmount"]);
    const { amount, ...rest } = RECHARGE;
    expect(() => readRequestFields(RECHARGE, fields?.fields ?? [])).toThrow(ValidationError);
    expect(() => readRequestFields(RECHARGE, fields?.fields ?? [])).toThrow(/amount/);
    const { validateCreateRechargeRequest } = await compiledValidators(document);
    expect(validateCreateRechargeRequest({ ...rest, cryptoAmount: amount })).toBe(true);
    expect(validateCreateRechargeRequest({ ...rest, cryptoAmount: "1e3" })).toBe(false);
    expect(validateCreateRechargeRequest.errors[0]).toMatchObject({
      instancePath: "/cryptoAmount",
      keyword: "pattern",
    });
    const wire = otcComparison()
      .changes.filter((change) => change.level === "wire")
      .map((change) => change.rule);
    expect(wire).toEqual(["request-property-removed", "new-required-request-property"]);
  });
});

describe("e. a moved path", () => {
  const OLD = "/open/otc/api/recharge/cancel";
  const NEW = "/open/otc/api/v2/recharge/cancel";
  beforeEach(() =>
    vendorUpdate((document) => {
      document.paths[NEW] = document.paths[OLD];
      delete document.paths[OLD];
    }),
  );

  it("reports every stale overlay target in one run, and classifies the move from the vendor documents", () => {
    const comparison = otcComparison();
    const problem = comparison.overlayProblem ?? "";
    expect(problem.split("\n")[0]).toBe("4 problems:");
    expect(problem).toContain(`actions[6] ($.paths['${OLD}'].post.parameters): target does not exist`);
    expect(problem).toContain(`actions[8] ($.paths['${OLD}'].post): target does not exist`);
    expect(problem).toContain(`actions[16] ($.paths['${OLD}'].post): target does not exist`);
    expect(problem).toContain(`actions[18] ($.paths['${OLD}'].post): target does not exist`);
    expect(summary(comparison.changes.filter((change) => change.level === "wire"))).toEqual([
      { level: "wire", breaking: true, rule: "api-path-removed" },
      { level: "wire", breaking: false, rule: "api-path-added" },
    ]);
  });

  it("once the overlay follows, a sandbox that still serves the old path fails naming both paths", () => {
    editOverlay((text) => text.replaceAll(`$.paths['${OLD}']`, `$.paths['${NEW}']`));
    const comparison = otcComparison();
    expect(comparison.overlayProblem).toBeUndefined();
    expect(comparison.changes.filter((change) => change.level === "wire").map(formatChange)).toEqual([
      `gatepay-otc  wire   BREAKING      api-path-removed  ${OLD}: path removed`,
      `gatepay-otc  wire   non-breaking  api-path-added  ${NEW}: path added`,
    ]);
    expect(comparison.changes.filter((change) => change.level === "types").map(formatChange)).toEqual([
      `gatepay-otc  types  BREAKING      type-path-removed  paths["${OLD}"]: removed: raw client calls on it no longer compile`,
      `gatepay-otc  types  non-breaking  type-path-added  paths["${NEW}"]: added`,
    ]);
    const documents = Object.fromEntries(
      ["gatepay-otc", "gatepay-payments", "daxpay", "payermax"].map((api) => [
        api,
        bundledDocument(folderReader(copy), api) as JsonObject,
      ]),
    );
    expect(sandboxRouteProblems(documents, [...gatepayRoutes, ...daxpayRoutes, ...payermaxRoutes])).toEqual([
      `POST ${NEW} (gatepay-otc cancelRecharge): in the spec, but the sandbox serves no such path`,
      `POST ${OLD} (sandbox cancelRecharge): served by the sandbox, but in no spec`,
    ]);
  });
});
