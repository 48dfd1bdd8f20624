import { describe, expect, it } from "vitest";
import { emitSafely, type RequestEvent, type ResponseEvent, requestEvent, responseEvent } from "./hooks.js";

const request: RequestEvent = {
  provider: "daxpay",
  operation: "cancel",
  method: "POST",
  path: "/unipay/cancel",
  attempt: 1,
};

describe("emitSafely", () => {
  it("passes the event to the hook", () => {
    const seen: RequestEvent[] = [];
    emitSafely((event) => seen.push(event), request);
    expect(seen).toStrictEqual([request]);
  });

  it("swallows an error thrown by the hook", () => {
    expect(() =>
      emitSafely(() => {
        throw new Error("hook broke");
      }, request),
    ).not.toThrow();
  });

  it("swallows a rejection from an async hook instead of leaving it unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      emitSafely(async () => {
        throw new Error("async hook broke");
      }, request);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toStrictEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("hands the hook a frozen copy, so a hook cannot change what the client sees", () => {
    const original = { ...request };
    let received: RequestEvent | undefined;
    emitSafely((event) => {
      received = event;
      (event as { attempt: number }).attempt = 99;
    }, original);
    expect(received).toStrictEqual(request);
    expect(Object.isFrozen(received)).toBe(true);
    expect(original.attempt).toBe(1);
  });
});

describe("requestEvent and responseEvent", () => {
  it("keep only the documented fields, dropping anything else the caller had", () => {
    const withExtras = { ...request, body: '{"secret":"s3cr3t"}', headers: { sign: "abc" } };
    expect(requestEvent(withExtras)).toStrictEqual(request);
  });

  it("strip the query string and fragment from the path", () => {
    expect(requestEvent({ ...request, path: "/v1/pay/order/close?token=abc#x" }).path).toBe(
      "/v1/pay/order/close",
    );
  });

  it("build a response event with status, elapsed time, trace id and error type", () => {
    const event: ResponseEvent = {
      ...request,
      status: 200,
      elapsedMs: 12.5,
      traceId: "t-1",
      error: "signature",
    };
    expect(responseEvent({ ...event, body: "{}" } as ResponseEvent)).toStrictEqual(event);
  });

  it("omit an absent trace id and error, and keep an undefined status for a failed connection", () => {
    expect(responseEvent({ ...request, status: undefined, elapsedMs: 3 })).toStrictEqual({
      ...request,
      status: undefined,
      elapsedMs: 3,
    });
  });
});

describe("server text in hook events (issue 13, input 6)", () => {
  it("escapes and bounds a trace id exactly as errors do, so a hook can log it as it is", () => {
    const event = responseEvent({
      provider: "daxpay",
      operation: "cancel",
      method: "POST",
      path: "/unipay/cancel",
      attempt: 1,
      status: 200,
      elapsedMs: 3,
      traceId: "t1\r\n2026-01-01 INFO ORDER-9 captured",
    });
    expect(event.traceId).toBe("t1\\r\\n2026-01-01 INFO ORDER-9 captured");
    const long = responseEvent({ ...event, traceId: "t".repeat(500_000) });
    expect(long.traceId).toBe(`${"t".repeat(127)}…`);
  });
});
