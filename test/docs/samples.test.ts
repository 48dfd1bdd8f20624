// The docs' samples cannot rot: every operation carries one, and the checker behind
// `npm run check:samples` rejects a wrong sample with a message that names it. The checker is tested
// against a stand-in for the public API (fixtures/payclients-api.ts), so these tests do not wait for
// the client code; `npm run check:samples` runs the same checker against src/index.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { collectSamples, type Sample, writeSamples } from "../../scripts/docs/extract-samples.js";
import { readApis } from "../../scripts/docs/spec-model.js";
import {
  formatSampleReport,
  type SampleProblem,
  typeCheckSamples,
} from "../../scripts/docs/type-check-samples.js";

const root = resolve(import.meta.dirname, "..", "..");
const stub = join(import.meta.dirname, "fixtures", "payclients-api.ts");

describe("the samples shipped with the docs", () => {
  test("every operation and webhook of every bundled spec carries a payclients TypeScript sample", () => {
    const missing = readApis(root)
      .flatMap((api) => [...api.operations, ...api.webhooks])
      .filter((operation) => !operation.codeSamples.some((sample) => sample.label === "payclients"))
      .map((operation) => `${operation.api} ${operation.operationId}`);
    expect(missing).toEqual([]);
  });

  test("the extractor collects one sample per operation and webhook and every TypeScript snippet of the landing page", () => {
    expect(collectSamples(root).map((sample) => sample.name)).toEqual([
      "gatepay-otc.createRecharge",
      "gatepay-otc.cancelRecharge",
      "gatepay-otc.otcOrderNotification",
      "gatepay-payments.closeOrder",
      "gatepay-payments.payOrderNotification",
      "daxpay.cancel",
      "daxpay.payNotice",
      "payermax.cancel",
      "payermax.paymentNotification",
      "payermax.cancelNotification",
      "landing.gatepay",
      "landing.daxpay",
      "landing.payermax",
      "landing.errors",
    ]);
  });

  test("every operation sample imports from payclients and handles PayClientError", () => {
    const operationSamples = collectSamples(root).filter((sample) => !sample.name.startsWith("landing."));
    const incomplete = operationSamples
      .filter(
        (sample) =>
          !sample.source.includes('from "payclients"') ||
          !sample.source.includes("instanceof PayClientError"),
      )
      .map((sample) => sample.name);
    expect(incomplete).toEqual([]);
  });
});

describe("the sample checker", () => {
  const samples: Sample[] = [
    {
      name: "correct",
      origin: "a test sample that uses the API as documented",
      editIn: "test/docs/samples.test.ts",
      source: [
        'import { createDaxPayClient, PayClientError } from "payclients";',
        "",
        'const daxpay = createDaxPayClient({ baseUrl: "http://127.0.0.1:9000", secret: "s" });',
        "try {",
        '  await daxpay.cancel({ bizOrderNo: "P0001" });',
        "} catch (error) {",
        "  if (error instanceof PayClientError) console.error(error.type, error.provider, error.operation);",
        "}",
        "",
      ].join("\n"),
    },
    {
      name: "misspelt-method",
      origin: "a test sample with a typo in the method name",
      editIn: "test/docs/samples.test.ts",
      source: [
        'import { createDaxPayClient } from "payclients";',
        "",
        'const daxpay = createDaxPayClient({ baseUrl: "http://127.0.0.1:9000", secret: "s" });',
        'await daxpay.cancle({ bizOrderNo: "P0001" });',
        "",
      ].join("\n"),
    },
    {
      name: "number-amount",
      origin: "a test sample that passes an amount as a number",
      editIn: "test/docs/samples.test.ts",
      source: [
        'import { createGatePayClient } from "payclients";',
        "",
        'const gatepay = createGatePayClient({ clientId: "c", secret: "s", merchantId: "1" });',
        "await gatepay.createRecharge({",
        '  quoteToken: "qt_1",',
        '  bankId: "ba_1",',
        '  currency: "USDT",',
        "  amount: 1088.42,",
        '  fiatCurrency: "USD",',
        '  fiatAmount: "1000",',
        "});",
        "",
      ].join("\n"),
    },
  ];
  let dir: string;
  let problems: SampleProblem[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "payclients-samples-"));
    problems = typeCheckSamples(writeSamples(samples, dir), { payclients: stub });
  }, 30_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("a sample that uses the API as documented passes", () => {
    expect(problems.filter((problem) => problem.sample === "correct")).toEqual([]);
  });

  test("a misspelt method fails, naming the sample, the line and column, and the compiler's reason", () => {
    expect(problems.filter((problem) => problem.sample === "misspelt-method")).toEqual([
      {
        sample: "misspelt-method",
        line: 4,
        column: 14,
        code: 2551,
        message: "Property 'cancle' does not exist on type 'DaxPayClient'. Did you mean 'cancel'?",
      },
    ]);
  });

  test("an amount given as a number instead of a decimal string fails on that field", () => {
    expect(problems.filter((problem) => problem.sample === "number-amount")).toEqual([
      {
        sample: "number-amount",
        line: 8,
        column: 3,
        code: 2322,
        message: "Type 'number' is not assignable to type 'string'.",
      },
    ]);
  });

  test("the report gives each error's file and position, where the sample appears and where to edit it", () => {
    const typo = problems.filter((problem) => problem.sample === "misspelt-method");
    expect(formatSampleReport(typo, samples, join(root, ".tmp", "samples"), root)).toBe(
      [
        "check:samples: 1 of 3 samples do not type-check against the package:",
        "  .tmp/samples/misspelt-method.ts:4:14 TS2551: Property 'cancle' does not exist on type 'DaxPayClient'. Did you mean 'cancel'?",
        "    sample: a test sample with a typo in the method name",
        "    edit:   test/docs/samples.test.ts",
      ].join("\n"),
    );
  });
});
