// Every published answer (and every answer built from DaxPay 2.0.8's own texts) in
// test/fixtures/provider-examples, replayed through the real client and cancelOrder, each with the
// result its fixture expects. The providers are the truth: a genuine answer must never become an
// UnexpectedResponseError because of how we read a page. Unsigned published PayerMax answers are
// signed with the test platform key (the published ones carry no signature we could check).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cancelOrder } from "../src/cancel.js";
import { answerText, hang, scriptedFetch } from "../src/core/test-support.js";
import { createDaxPayClient } from "../src/daxpay/client.js";
import { createGatePayClient } from "../src/gatepay/client.js";
import { createPayerMaxClient } from "../src/payermax/client.js";
import { signPayerMax } from "../src/payermax/sign.js";
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "../src/payermax/test-keys.js";

interface Fixture {
  readonly file: string;
  readonly provider: "gatepay" | "daxpay" | "payermax";
  readonly operation: string;
  readonly kind: string;
  readonly httpStatus?: number;
  readonly body: string;
  readonly signedWith?: { secret: string; signType: "HMAC_SHA256" | "MD5" };
  readonly expected: Record<string, unknown>;
}

const ROOT = join(import.meta.dirname, "fixtures", "provider-examples");
const answers: Fixture[] = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) =>
    readdirSync(join(ROOT, dir.name))
      .filter((name) => name.endsWith(".json"))
      .map((name) => ({
        file: `${dir.name}/${name}`,
        ...JSON.parse(readFileSync(join(ROOT, dir.name, name), "utf8")),
      })),
  )
  .filter((fixture: Fixture) => fixture.kind === "response" || fixture.kind === "server-answer");

/** The fixtures' outcome words in cancelOrder's vocabulary ("closed" is GatePay's word for cancelled). */
function expectedOutcome(expected: Record<string, unknown>): Record<string, unknown> {
  const outcome = expected.outcome === "closed" ? "cancelled" : expected.outcome;
  const reason =
    expected.reason === "possibly already cancelled"
      ? "possibly_already_cancelled"
      : (expected.reason as string | undefined);
  return {
    outcome,
    ...(reason === undefined ? {} : { reason }),
    ...(expected.providerCode === undefined || outcome === "cancelled"
      ? {}
      : { providerCode: expected.providerCode }),
  };
}

/** Replays `fixture` as the provider's answer to cancelOrder (a retry after a lost answer when its reason says so). */
function replay(fixture: Fixture): Promise<unknown> {
  const status = fixture.httpStatus ?? 200;
  const lostFirst = fixture.expected.reason === "possibly already cancelled";
  if (fixture.provider === "daxpay") {
    // The server's resTime is the moment it answered: replay at that moment.
    const resTime = /"resTime":\s*(\d+)/.exec(fixture.body)?.[1];
    const now = resTime === undefined ? 1_715_347_771_000 : Number(resTime) * 1000;
    const { fetch } = scriptedFetch(...(lostFirst ? [hang()] : []), answerText(status, fixture.body));
    const client = createDaxPayClient({
      baseUrl: "http://127.0.0.1:9000",
      secret: fixture.signedWith?.secret ?? "123456",
      signType: fixture.signedWith?.signType ?? "HMAC_SHA256",
      fetch,
      now: () => now,
      timeoutMs: 20,
      retry: { retries: lostFirst ? 1 : 0, baseDelayMs: 0 },
    });
    return cancelOrder({ daxpay: client }, { provider: "daxpay", bizOrderNo: "P0001" });
  }
  if (fixture.provider === "payermax") {
    const { fetch } = scriptedFetch(
      answerText(status, fixture.body, { sign: signPayerMax(fixture.body, TEST_PRIVATE_KEY_PEM) }),
    );
    const client = createPayerMaxClient({
      appId: "app",
      privateKey: TEST_PRIVATE_KEY_PEM,
      platformPublicKey: TEST_PUBLIC_KEY_PEM,
      fetch,
      retry: { retries: 0 },
    });
    const data = (JSON.parse(fixture.body) as { data?: { requestId?: string; outTradeNo?: string } }).data;
    return cancelOrder(
      { payermax: client },
      { provider: "payermax", requestId: data?.requestId ?? "R1", outTradeNo: data?.outTradeNo ?? "P1" },
    );
  }
  const { fetch } = scriptedFetch(answerText(status, fixture.body));
  const client = createGatePayClient({
    clientId: "c",
    secret: "s",
    merchantId: "10001",
    fetch,
    retry: { retries: 0 },
  });
  return fixture.operation === "cancelRecharge"
    ? cancelOrder({ gatepay: client }, { provider: "gatepay", orderId: "71347515709194240" })
    : cancelOrder({ gatepay: client }, { provider: "gatepay", merchantTradeNo: "118223456797" });
}

async function settle(promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

describe("the providers' published answers, replayed through the clients", () => {
  it("covers every published answer of every provider", () => {
    expect(new Set(answers.map((fixture) => fixture.provider))).toStrictEqual(
      new Set(["gatepay", "daxpay", "payermax"]),
    );
    expect(answers.length).toBeGreaterThanOrEqual(20);
  });

  it.each(answers.map((fixture) => [fixture.file, fixture] as const))("%s", async (_file, fixture) => {
    const { value, error } = await settle(replay(fixture));
    const expected = fixture.expected;
    if (expected.envelope === "success") {
      expect(error).toBeUndefined();
      expect(value).toMatchObject({ provider: fixture.provider });
    } else if (expected.envelope === "failure") {
      // A provider-wide failure envelope says nothing about the order: cancelOrder throws it as it is.
      expect(error).toMatchObject({ name: "ProviderRejectedError", providerCode: expected.providerCode });
    } else if (expected.error !== undefined && expected.outcome === undefined) {
      expect(error).toMatchObject({
        name: expected.error,
        ...(expected.providerCode === undefined ? {} : { providerCode: expected.providerCode }),
        ...(expected.reason === undefined ? {} : { reason: expected.reason }),
        ...(expected.notClockSkew === true ? { type: "provider_rejected" } : {}),
      });
    } else {
      expect(error).toBeUndefined();
      expect(value).toMatchObject({ provider: fixture.provider, ...expectedOutcome(expected) });
    }
  });
});
