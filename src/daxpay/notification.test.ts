import { describe, expect, it } from "vitest";
import { UnexpectedResponseError } from "../core/errors.js";
import { createMemoryReplayStore } from "../core/replay.js";
import { rejectionOf } from "../core/test-support.js";
import { DAXPAY_NOTIFICATION_TOLERANCE_MS, verifyDaxPayNotification } from "./notification.js";
import { daxPaySignString, signDaxPay } from "./sign.js";

const SECRET = "daxpay-notification-test-secret";
const NOW = 1_715_347_771_000;

function notice(
  fields: Record<string, unknown> = {},
  signType: "HMAC_SHA256" | "MD5" = "HMAC_SHA256",
): string {
  const body: Record<string, unknown> = {
    code: 0,
    msg: null,
    resTime: NOW / 1000,
    orderNo: "1753370980523384832",
    bizOrderNo: "P0001",
    title: "test order",
    allocation: false,
    amount: 100,
    status: "cancel",
    closeTime: NOW / 1000,
    attach: null,
    ...fields,
  };
  return JSON.stringify({ ...body, sign: signDaxPay(body, SECRET, signType) });
}

function options() {
  return { secret: SECRET, now: () => NOW, replayStore: createMemoryReplayStore({ now: () => NOW }) };
}

describe("verifyDaxPayNotification", () => {
  it("signs what the server signs: nulls skipped, booleans and epoch seconds as text", () => {
    expect(daxPaySignString(JSON.parse(notice()), SECRET)).toBe(
      `allocation=false&amount=100&bizOrderNo=P0001&closeTime=1715347771&code=0&orderNo=1753370980523384832&resTime=1715347771&status=cancel&title=test order&key=${SECRET}`,
    );
  });

  it("accepts a signed cancel notice (HMAC_SHA256 and MD5) and returns it typed", async () => {
    expect(await verifyDaxPayNotification(notice(), options())).toMatchObject({
      status: "cancel",
      orderNo: "1753370980523384832",
    });
    const md5 = notice({ status: "close" }, "MD5");
    expect(await verifyDaxPayNotification(md5, { ...options(), signType: "MD5" })).toMatchObject({
      status: "close",
    });
  });

  it("refuses a body with one byte changed, and a changed sign, as invalid", async () => {
    const body = notice();
    expect(
      await rejectionOf(verifyDaxPayNotification(body.replace('"amount":100', '"amount":101'), options())),
    ).toMatchObject({ reason: "invalid" });
    const sign = (JSON.parse(body) as { sign: string }).sign;
    const changed = body.replace(sign, `${sign.slice(0, -1)}${sign.endsWith("0") ? "1" : "0"}`);
    expect(await rejectionOf(verifyDaxPayNotification(changed, options()))).toMatchObject({
      reason: "invalid",
    });
  });

  it("accepts a retry 24 hours later (the server resends the same text) but refuses one past 25 hours as stale", async () => {
    const body = notice();
    const late = { ...options(), now: () => NOW + 24 * 3600_000 };
    await expect(verifyDaxPayNotification(body, late)).resolves.toMatchObject({ status: "cancel" });
    const stale = { ...options(), now: () => NOW + DAXPAY_NOTIFICATION_TOLERANCE_MS + 1000 };
    expect(await rejectionOf(verifyDaxPayNotification(body, stale))).toMatchObject({ reason: "stale" });
  });

  it("refuses the same notice a second time as replayed", async () => {
    const shared = options();
    await verifyDaxPayNotification(notice(), shared);
    expect(await rejectionOf(verifyDaxPayNotification(notice(), shared))).toMatchObject({
      reason: "replayed",
    });
  });

  it("refuses a notice without sign as missing", async () => {
    const unsigned = JSON.stringify({ ...JSON.parse(notice()), sign: undefined });
    expect(await rejectionOf(verifyDaxPayNotification(unsigned, options()))).toMatchObject({
      reason: "missing",
      provider: "daxpay",
    });
  });

  it("refuses a body that is not JSON, and a signed notice without orderNo, as unexpected", async () => {
    expect(await rejectionOf(verifyDaxPayNotification("SUCCESS", options()))).toMatchObject({
      reason: "not_json",
    });
    const error = await rejectionOf(verifyDaxPayNotification(notice({ orderNo: null }), options()));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({ reason: "wrong_shape", bodySnippet: "" });
  });

  it("puts neither the secret nor the sign in an error", async () => {
    const body = notice();
    const sign = (JSON.parse(body) as { sign: string }).sign;
    const error = await rejectionOf(verifyDaxPayNotification(body.replace("P0001", "P0002"), options()));
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(sign);
  });
});
