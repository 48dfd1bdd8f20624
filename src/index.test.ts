import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { PayClientError } from "./core/errors.js";
import type { RequestEvent, ResponseEvent } from "./core/hooks.js";
import {
  type Answer,
  answerJson,
  answerText,
  failWith,
  hang,
  rejectionOf,
  scriptedFetch,
} from "./core/test-support.js";
import * as daxpayEntry from "./daxpay/index.js";
import * as gatepayEntry from "./gatepay/index.js";
import * as root from "./index.js";
import * as payermaxEntry from "./payermax/index.js";
import { TEST_PRIVATE_KEY_BASE64, TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "./payermax/test-keys.js";
import * as sandboxEntry from "./sandbox/index.js";

const ERRORS = [
  "ClockSkewError",
  "NetworkError",
  "PayClientError",
  "ProviderRejectedError",
  "ProviderUnavailableError",
  "SignatureError",
  "TimeoutError",
  "UnexpectedResponseError",
  "ValidationError",
  "createMemoryReplayStore",
];

describe("public exports", () => {
  it("the package root exports exactly the factories, cancelOrder, the notification handler, the pure functions and the errors", () => {
    expect(Object.keys(root).sort()).toStrictEqual(
      [
        ...ERRORS,
        "GATEPAY_BASE_URL",
        "GATEPAY_HEADERS",
        "PAYERMAX_BASE_URLS",
        "DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT",
        "DAXPAY_NOTIFICATION_TOLERANCE_MS",
        "GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT",
        "GATEPAY_NOTIFICATION_TOLERANCE_MS",
        "PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT",
        "PAYERMAX_NOTIFICATION_TOLERANCE_MS",
        "cancelOrder",
        "createNotificationHandler",
        "toNodeHandler",
        "verifyDaxPayNotification",
        "verifyGatePayNotification",
        "verifyPayerMaxNotification",
        "createDaxPayClient",
        "createGatePayClient",
        "createPayerMaxClient",
        "daxPaySignString",
        "gatePaySignString",
        "parsePayerMaxPrivateKey",
        "parsePayerMaxPublicKey",
        "signDaxPay",
        "signGatePay",
        "signPayerMax",
        "verifyDaxPaySignature",
        "verifyGatePaySignature",
        "verifyPayerMaxSignature",
      ].sort(),
    );
  });

  it("each provider entry exports its own client and functions plus the shared errors, nothing of the others", () => {
    expect(Object.keys(gatepayEntry).sort()).toStrictEqual(
      [
        ...ERRORS,
        "GATEPAY_BASE_URL",
        "GATEPAY_HEADERS",
        "GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT",
        "GATEPAY_NOTIFICATION_TOLERANCE_MS",
        "createGatePayClient",
        "gatePaySignString",
        "signGatePay",
        "verifyGatePayNotification",
        "verifyGatePaySignature",
      ].sort(),
    );
    expect(Object.keys(daxpayEntry).sort()).toStrictEqual(
      [
        ...ERRORS,
        "DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT",
        "DAXPAY_NOTIFICATION_TOLERANCE_MS",
        "createDaxPayClient",
        "daxPaySignString",
        "signDaxPay",
        "verifyDaxPayNotification",
        "verifyDaxPaySignature",
      ].sort(),
    );
    expect(Object.keys(payermaxEntry).sort()).toStrictEqual(
      [
        ...ERRORS,
        "PAYERMAX_BASE_URLS",
        "PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT",
        "PAYERMAX_NOTIFICATION_TOLERANCE_MS",
        "createPayerMaxClient",
        "parsePayerMaxPrivateKey",
        "parsePayerMaxPublicKey",
        "signPayerMax",
        "verifyPayerMaxNotification",
        "verifyPayerMaxSignature",
      ].sort(),
    );
  });

  it("the sandbox entry exports startSandbox, its own SandboxInputError and the same error classes as every other entry", () => {
    expect(Object.keys(sandboxEntry).sort()).toStrictEqual(
      [...ERRORS, "SandboxInputError", "startSandbox"].sort(),
    );
    expect(sandboxEntry.PayClientError).toBe(root.PayClientError);
    expect(sandboxEntry.ClockSkewError).toBe(gatepayEntry.ClockSkewError);
  });

  it("re-exports one implementation: the root's functions and errors are the entries' own", () => {
    expect(root.signGatePay).toBe(gatepayEntry.signGatePay);
    expect(root.signDaxPay).toBe(daxpayEntry.signDaxPay);
    expect(root.signPayerMax).toBe(payermaxEntry.signPayerMax);
    expect(root.PayClientError).toBe(PayClientError);
    expect(gatepayEntry.ValidationError).toBe(payermaxEntry.ValidationError);
  });

  it("a provider entry's run-time import graph reaches no other provider's code or generated files", () => {
    const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
    const reached = (entry: string): string[] => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const text = readFileSync(file, "utf8");
        // Type-only imports and exports vanish at run time; node: and package imports are not ours.
        for (const [, typeOnly, specifier = ""] of text.matchAll(
          /^(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)";/gm,
        )) {
          if (typeOnly === undefined) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
        }
      };
      visit(join(repo, entry));
      return [...seen].map((file) => file.slice(repo.length + 1)).sort();
    };
    const providers = (files: string[]) =>
      new Set(
        files
          .map((file) => /^(?:src\/|generated\/)(gatepay|daxpay|payermax)/.exec(file)?.[1])
          .filter(Boolean),
      );
    expect(providers(reached("src/gatepay/index.ts"))).toStrictEqual(new Set(["gatepay"]));
    expect(providers(reached("src/daxpay/index.ts"))).toStrictEqual(new Set(["daxpay"]));
    expect(providers(reached("src/payermax/index.ts"))).toStrictEqual(new Set(["payermax"]));
    // cancelOrder imports the clients' types and the providers' codes (leaf modules), no client code.
    expect(
      reached("src/cancel.ts").filter((file) => /^(src|generated)\/(gatepay|daxpay|payermax)/.test(file)),
    ).toStrictEqual(["src/daxpay/codes.ts", "src/gatepay/codes.ts", "src/payermax/codes.ts"]);
    expect(reached("src/gatepay/index.ts")).toContain("generated/gatepay-otc.validators.ts");
  });
});

describe("no secret leaks", () => {
  const GATEPAY_SECRET = "gp-secret-CANARY-4f1e";
  const DAXPAY_SECRET = "dx-secret-CANARY-9b2c";
  const body = TEST_PRIVATE_KEY_BASE64;
  // Any 24-character stretch of the private key would be a leak; checking a spread of them is enough.
  const keyPieces = [0, 200, 600, 1000, 1400].map((at) => body.slice(at, at + 24));
  const secrets = [GATEPAY_SECRET, DAXPAY_SECRET, ...keyPieces];

  function assertClean(label: string, text: string) {
    for (const secret of secrets) {
      if (text.includes(secret)) throw new Error(`${label} contains secret material`);
    }
  }

  function views(value: unknown): string[] {
    const out = [
      inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      JSON.stringify(value) ?? "",
      String(value),
    ];
    if (value instanceof Error) out.push(value.message, value.stack ?? "");
    return out;
  }

  const requestEvents: RequestEvent[] = [];
  const responseEvents: ResponseEvent[] = [];
  const hooks = {
    onRequest: (event: RequestEvent) => requestEvents.push(event),
    onResponse: (event: ResponseEvent) => responseEvents.push(event),
    retry: { retries: 0 },
    timeoutMs: 20,
  };
  const failures: Answer[] = [
    answerJson(200, { status: "FAIL", code: "400202", errorMessage: "order does not exist" }),
    answerJson(400, { status: "FAIL", code: "400003", errorMessage: "request timestamp timed out" }),
    answerJson(200, { code: 20052, msg: "验签失败" }),
    answerJson(200, { code: "REQ_TIME_OVER_TIME", msg: "x" }),
    answerJson(200, { code: "APPLY_SUCCESS", msg: "Success.", data: {} }),
    answerText(200, JSON.stringify({ status: "SUCCESS", code: "000000" }), {
      "X-GatePay-Timestamp": "1",
      "X-GatePay-Nonce": "n",
      "X-GatePay-Signature": "00",
    }),
    answerText(502, "<html>bad gateway</html>"),
    answerText(200, ""),
    answerText(200, '{"trunc'),
    failWith("ECONNREFUSED"),
    failWith("ECONNRESET"),
    hang(),
  ];

  function clients(answer: Answer) {
    const { fetch } = scriptedFetch(answer);
    return {
      gatepay: root.createGatePayClient({
        clientId: "c",
        secret: GATEPAY_SECRET,
        merchantId: "1",
        fetch,
        ...hooks,
      }),
      daxpay: root.createDaxPayClient({
        baseUrl: "http://127.0.0.1:9000",
        secret: DAXPAY_SECRET,
        fetch,
        ...hooks,
      }),
      payermax: root.createPayerMaxClient({
        appId: "app",
        privateKey: TEST_PRIVATE_KEY_PEM,
        platformPublicKey: TEST_PUBLIC_KEY_PEM,
        fetch,
        ...hooks,
      }),
    };
  }

  it("no client shows a secret or key in JSON.stringify, util.inspect or String", () => {
    const all = clients(answerJson(200, {}));
    for (const [name, client] of Object.entries(all)) {
      for (const view of views(client)) assertClean(`${name} client`, view);
    }
    expect(JSON.stringify(all.gatepay)).toBe('{"provider":"gatepay","openapi":{"payments":{},"otc":{}}}');
    const bareKeyClient = root.createPayerMaxClient({
      appId: "app",
      privateKey: TEST_PRIVATE_KEY_BASE64,
      platformPublicKey: TEST_PUBLIC_KEY_PEM,
    });
    for (const view of views(bareKeyClient)) assertClean("payermax client (bare key)", view);
  });

  it("no error of any kind, from any provider, shows a secret in message, stack, toString, JSON or inspect", async () => {
    const errors: unknown[] = [];
    for (const answer of failures) {
      const { gatepay, daxpay, payermax } = clients(answer);
      errors.push(await rejectionOf(gatepay.closeOrder({ merchantTradeNo: "M1" })));
      errors.push(await rejectionOf(gatepay.createRecharge({ quoteToken: "q" } as never)));
      errors.push(await rejectionOf(daxpay.cancel({ orderNo: "O1" })));
      errors.push(await rejectionOf(payermax.cancel({ requestId: "R1", outTradeNo: "P1" })));
    }
    // Secrets pasted into the wrong option, and a key that does not parse.
    const misconfigured = [
      () => root.createGatePayClient({ clientId: "c", secret: GATEPAY_SECRET, merchantId: GATEPAY_SECRET }),
      () => root.createDaxPayClient({ baseUrl: DAXPAY_SECRET, secret: DAXPAY_SECRET }),
      () =>
        root.createPayerMaxClient({
          appId: "app",
          privateKey: TEST_PRIVATE_KEY_PEM.replace(
            "MIIEvAIBADANBgkqhkiG9w0BAQEFAASC",
            "MIIEvAIBADANBgkqhkiG9w0BAQEFAAXX",
          ),
          platformPublicKey: TEST_PUBLIC_KEY_PEM,
        }),
      () =>
        root.createPayerMaxClient({
          appId: "app",
          privateKey: TEST_PRIVATE_KEY_PEM,
          platformPublicKey: TEST_PRIVATE_KEY_PEM,
        }),
    ];
    for (const create of misconfigured) {
      try {
        create();
        errors.push(new Error("expected a ValidationError"));
      } catch (error) {
        errors.push(error);
      }
    }
    const types = new Set(errors.map((error) => (error as PayClientError).type));
    expect([...types].sort()).toStrictEqual(
      [
        "clock_skew",
        "network",
        "provider_rejected",
        "signature",
        "timeout",
        "unavailable",
        "unexpected_response",
        "validation",
      ].sort(),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(PayClientError);
      for (const view of views(error)) assertClean((error as Error).name, view);
    }
  });

  it("hook events carry no secret, header value or body", async () => {
    const { gatepay, daxpay } = clients(answerJson(200, { status: "SUCCESS", code: "000000", data: {} }));
    requestEvents.length = 0;
    responseEvents.length = 0;
    await gatepay.closeOrder({ merchantTradeNo: "BODY-CANARY-31" });
    await rejectionOf(daxpay.cancel({ bizOrderNo: "BODY-CANARY-32" }));
    const text = JSON.stringify([requestEvents, responseEvents]);
    assertClean("hook events", text);
    expect(text).not.toContain("BODY-CANARY");
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    for (const event of [...requestEvents, ...responseEvents]) {
      expect(Object.keys(event).sort()).toStrictEqual(
        Object.keys(event)
          .filter((key) =>
            [
              "provider",
              "operation",
              "method",
              "path",
              "attempt",
              "status",
              "elapsedMs",
              "traceId",
              "error",
            ].includes(key),
          )
          .sort(),
      );
    }
  });
});
