// `payclients-sandbox` as a team in another language uses it: a separate process, driven over HTTP by
// curl with signatures made by `openssl dgst -sha512 -hmac`, no Node code on the client side.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProviderRejectedError } from "../core/errors.js";
import { createDaxPayClient } from "../daxpay/index.js";
import { createGatePayClient } from "../gatepay/index.js";
import { createPayerMaxClient } from "../payermax/index.js";

const root = join(import.meta.dirname, "..", "..");
const running: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

interface Started {
  child: ChildProcessWithoutNullStreams;
  /** stdout up to and including the line that ends the start-up block. */
  output: string;
  exited: Promise<{ code: number | null; stderr: string }>;
}

/** Starts the bin from source and resolves once it printed `untilLine` (or exited). */
function startBin(args: readonly string[], untilLine: RegExp): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/sandbox/bin.ts"), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "" },
  });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stderr })),
  );
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (untilLine.test(stdout)) resolve({ child, output: stdout, exited });
    });
    void exited.then(() => resolve({ child, output: stdout, exited }));
  });
}

interface Described {
  url: string;
  adminToken: string;
  gatepay: { clientId: string; secret: string; merchantId: number };
  daxpay: { secret: string; signType: string };
  payermax: {
    appId: string;
    merchantNo: string;
    privateKey: string;
    platformPublicKey: string;
  };
  payermaxBase64: { privateKey: string; platformPublicKey: string };
}

/** A GatePay close signed and sent by bash, openssl and curl only; prints the answer body. */
const CURL_CLOSE = String.raw`
set -euo pipefail
curl -sS -X POST "$URL/__sandbox/seed" -H "Authorization: $ADMIN_AUTH" \
  -H "Content-Type: application/json" --data-binary '{"gatepayPrepayOrders":[{"merchantTradeNo":"M-CURL-1"}]}' >/dev/null
body='{"merchantTradeNo":"M-CURL-1"}'
ts=$(date +%s%3N)
nonce="curl$RANDOM$RANDOM"
sig=$(printf '%s\n%s\n%s\n' "$ts" "$nonce" "$body" | openssl dgst -sha512 -hmac "$SECRET" | sed 's/^.*= //')
curl -sS -X POST "$URL/v1/pay/order/close" -H "Content-Type: application/json" \
  -H "X-GatePay-Certificate-ClientId: $CLIENT_ID" -H "X-GatePay-Timestamp: $ts" \
  -H "X-GatePay-Nonce: $nonce" -H "X-GatePay-Signature: $sig" --data-binary "$body"
echo
curl -sS "$URL/__sandbox/orders?kind=gatepayPrepayOrder" -H "Authorization: $ADMIN_AUTH"
`;

describe("payclients-sandbox, the standalone sandbox", () => {
  it("serves a GatePay close signed by openssl and sent by curl, and stops on SIGTERM", async () => {
    const { child, output, exited } = await startBin(["--port", "0", "--json"], /^\{.*\n/m);
    // One line of plain JSON (what `jq` reads), with the keys `npm start -- --keep` prints.
    const info = JSON.parse(output) as Described;
    expect(Object.keys(info)).toEqual([
      "url",
      "adminToken",
      "gatepay",
      "daxpay",
      "payermax",
      "payermaxBase64",
    ]);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const curl = spawnSync("bash", ["--norc", "--noprofile", "-c", CURL_CLOSE], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        URL: info.url,
        ADMIN_AUTH: `Bearer ${info.adminToken}`,
        CLIENT_ID: info.gatepay.clientId,
        SECRET: info.gatepay.secret,
      },
    });
    expect(curl.stderr).toBe("");
    const [closed, orders] = curl.stdout.split("\n");
    expect(closed).toBe('{"status":"SUCCESS","code":"000000","errorMessage":"","data":{"result":"SUCCESS"}}');
    expect(JSON.parse(orders ?? "").orders).toEqual([
      expect.objectContaining({ merchantTradeNo: "M-CURL-1", status: "CLOSED", stateChanges: 1 }),
    ]);

    child.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, stderr: "payclients sandbox stopped (SIGTERM)\n" });
  });

  it("prints the credentials, both forms of the PayerMax keys and the admin token, and stops on SIGINT", async () => {
    const { child, output, exited } = await startBin(["--port", "0"], /Press Ctrl\+C to stop\.\n/);
    const lines = output.split("\n");
    const url =
      /^payclients sandbox listening on (http:\/\/127\.0\.0\.1:\d+) \(test credentials only; for tests, not production\)$/.exec(
        lines[0] ?? "",
      )?.[1];
    expect(url).toBeDefined();
    const value = (label: RegExp) => lines.map((line) => label.exec(line)?.[1]).find((found) => found);
    expect(value(/^GatePay {3}base URL {5}(.+)$/)).toBe(url);
    expect(value(/^ {10}clientId {5}(sandbox-[0-9a-f]{32})$/)).toBeDefined();
    expect(value(/^ {10}signType {5}(.+)$/)).toBe("HMAC_SHA256");
    const privateBase64 = value(/^ {10}merchant private key \(bare Base64 PKCS#8\): (\S+)$/) ?? "";
    const publicBase64 = value(/^ {10}platform public key \(bare Base64 SPKI\): (\S+)$/) ?? "";
    const privatePem = output.slice(
      output.indexOf("-----BEGIN PRIVATE KEY-----"),
      output.indexOf("-----END PRIVATE KEY-----") + 25,
    );
    const publicPem = output.slice(
      output.indexOf("-----BEGIN PUBLIC KEY-----"),
      output.indexOf("-----END PUBLIC KEY-----") + 24,
    );
    // Each Base64 line is the same key as its PEM.
    expect(
      createPrivateKey({ key: Buffer.from(privateBase64, "base64"), format: "der", type: "pkcs8" }).export({
        type: "pkcs8",
        format: "pem",
      }),
    ).toBe(`${privatePem}\n`);
    expect(
      createPublicKey({ key: Buffer.from(publicBase64, "base64"), format: "der", type: "spki" }).export({
        type: "spki",
        format: "pem",
      }),
    ).toBe(`${publicPem}\n`);
    expect(value(/^Admin API (\S+) /)).toBe(`${url}/__sandbox/`);
    expect(value(/^ {10}Authorization: (Bearer [A-Za-z0-9_-]{43})$/)).toBeDefined();

    child.kill("SIGINT");
    expect(await exited).toEqual({ code: 0, stderr: "payclients sandbox stopped (SIGINT)\n" });
  });

  it("with --env prints the README's environment variables, which configure working clients", async () => {
    const { child, output, exited } = await startBin(
      ["--port", "0", "--env"],
      /^PAYCLIENTS_SANDBOX_ADMIN_TOKEN=.*\n/m,
    );
    const [comment, ...assignments] = output.trimEnd().split("\n");
    expect(comment).toMatch(
      /^# payclients sandbox on http:\/\/127\.0\.0\.1:\d+: test credentials only, never for production$/,
    );
    const env = Object.fromEntries(assignments.map((line) => line.split(/=(.*)/s).slice(0, 2)));
    expect(Object.keys(env)).toStrictEqual([
      "GATEPAY_BASE_URL",
      "GATEPAY_CLIENT_ID",
      "GATEPAY_SECRET",
      "GATEPAY_MERCHANT_ID",
      "DAXPAY_BASE_URL",
      "DAXPAY_SECRET",
      "DAXPAY_SIGN_TYPE",
      "PAYERMAX_BASE_URL",
      "PAYERMAX_APP_ID",
      "PAYERMAX_MERCHANT_NO",
      "PAYERMAX_PRIVATE_KEY",
      "PAYERMAX_PLATFORM_PUBLIC_KEY",
      "PAYCLIENTS_SANDBOX_ADMIN_TOKEN",
    ]);
    // Configured as the README's clients.ts does: each provider answers a signed request with its own
    // verified refusal of an unknown order, so every credential printed is the one the sandbox holds.
    const gatepay = createGatePayClient({
      clientId: env.GATEPAY_CLIENT_ID,
      secret: env.GATEPAY_SECRET,
      merchantId: env.GATEPAY_MERCHANT_ID,
      baseUrl: env.GATEPAY_BASE_URL,
    });
    const daxpay = createDaxPayClient({
      baseUrl: env.DAXPAY_BASE_URL,
      secret: env.DAXPAY_SECRET,
      signType: env.DAXPAY_SIGN_TYPE === "MD5" ? "MD5" : "HMAC_SHA256",
    });
    const payermax = createPayerMaxClient({
      appId: env.PAYERMAX_APP_ID,
      merchantNo: env.PAYERMAX_MERCHANT_NO,
      privateKey: env.PAYERMAX_PRIVATE_KEY,
      platformPublicKey: env.PAYERMAX_PLATFORM_PUBLIC_KEY,
      baseUrl: env.PAYERMAX_BASE_URL,
    });
    const refusals = await Promise.all([
      gatepay.closeOrder({ merchantTradeNo: "M-ENV-UNKNOWN" }).catch((error: unknown) => error),
      daxpay.cancel({ bizOrderNo: "B-ENV-UNKNOWN", clientIp: "127.0.0.1" }).catch((error: unknown) => error),
      payermax.cancel({ requestId: "R_ENV", outTradeNo: "O_ENV_UNKNOWN" }).catch((error: unknown) => error),
    ]);
    expect(
      refusals.map((error) => error instanceof ProviderRejectedError && [error.providerCode, error.verified]),
    ).toStrictEqual([
      // 400202: no such order. A wrong secret would be 400002; GatePay signs no answer by default.
      ["400202", false],
      ["1", true],
      ["PARAMS_INVALID", true],
    ]);

    child.kill("SIGTERM");
    expect((await exited).code).toBe(0);
  });

  it.each([
    [
      ["--json", "--env"],
      "payclients-sandbox: UsageError: --json and --env each choose the output: give one of them",
    ],
    [
      ["--port", "70000"],
      'payclients-sandbox: UsageError: --port must be an integer from 0 to 65535, got "70000"',
    ],
    [["--verbose"], "payclients-sandbox: UsageError: Unknown option '--verbose'"],
  ])("refuses %j with exit 2 and the usage", async (args, message) => {
    const { output, exited } = await startBin(args, /$^/);
    const { code, stderr } = await exited;
    expect(output).toBe("");
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toBe(message);
    expect(stderr).toContain("usage: payclients-sandbox");
  });
});
