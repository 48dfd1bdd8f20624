import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ClockSkewError,
  estimateClockOffsetMs,
  NetworkError,
  PayClientError,
  ProviderRejectedError,
  ProviderUnavailableError,
  parseRetryAfterMs,
  SignatureError,
  snippet,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "./errors.js";

const where = { provider: "gatepay", operation: "closeOrder", status: 200, traceId: "trace-1" } as const;

describe("ValidationError", () => {
  const error = new ValidationError({
    field: "merchantTradeNo",
    rule: "maxBytes:32",
    reason: "must be at most 32 UTF-8 bytes (got 33)",
  });

  it("names the field and the rule in its message", () => {
    expect(error.message).toBe("merchantTradeNo: must be at most 32 UTF-8 bytes (got 33)");
    expect(error.field).toBe("merchantTradeNo");
    expect(error.rule).toBe("maxBytes:32");
  });

  it("is a PayClientError and an Error with type validation", () => {
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(PayClientError);
    expect(error).toBeInstanceOf(Error);
    expect(error.type).toBe("validation");
    expect(error.name).toBe("ValidationError");
  });

  it("starts its stack with its own class name", () => {
    expect(error.stack?.split("\n")[0]).toBe(
      "ValidationError: merchantTradeNo: must be at most 32 UTF-8 bytes (got 33)",
    );
  });

  it("serialises only the safe fields", () => {
    expect(error.toJSON()).toStrictEqual({
      name: "ValidationError",
      type: "validation",
      message: "merchantTradeNo: must be at most 32 UTF-8 bytes (got 33)",
      field: "merchantTradeNo",
      rule: "maxBytes:32",
    });
  });

  it("gains the provider and operation through withContext, prefixed to its message", () => {
    const withContext = error.withContext({ provider: "gatepay", operation: "closeOrder" });
    expect(withContext).toBeInstanceOf(ValidationError);
    expect(withContext.message).toBe(
      "[gatepay closeOrder] merchantTradeNo: must be at most 32 UTF-8 bytes (got 33)",
    );
    expect(withContext.provider).toBe("gatepay");
    expect(withContext.operation).toBe("closeOrder");
    expect(withContext.field).toBe("merchantTradeNo");
    expect(withContext.rule).toBe("maxBytes:32");
  });
});

describe("ProviderRejectedError", () => {
  const raw = { status: "FAIL", code: "400204", errorMessage: "order status incorrect", data: {} };
  const error = new ProviderRejectedError({
    ...where,
    providerCode: "400204",
    providerMessage: "order status incorrect",
    raw,
  });

  it("carries the provider's code, message, raw body and the call context", () => {
    expect(error.type).toBe("provider_rejected");
    expect(error.name).toBe("ProviderRejectedError");
    expect(error.message).toBe("[gatepay closeOrder] rejected by provider: 400204 order status incorrect");
    expect(error.providerCode).toBe("400204");
    expect(error.providerMessage).toBe("order status incorrect");
    expect(error.raw).toBe(raw);
    expect(error.provider).toBe("gatepay");
    expect(error.operation).toBe("closeOrder");
    expect(error.status).toBe(200);
    expect(error.traceId).toBe("trace-1");
    expect(error).toBeInstanceOf(PayClientError);
  });

  it("leaves the raw body out of toJSON", () => {
    expect(error.toJSON()).toStrictEqual({
      name: "ProviderRejectedError",
      type: "provider_rejected",
      message: "[gatepay closeOrder] rejected by provider: 400204 order status incorrect",
      provider: "gatepay",
      operation: "closeOrder",
      status: 200,
      traceId: "trace-1",
      providerCode: "400204",
      providerMessage: "order status incorrect",
      verified: false,
    });
  });

  it("escapes control characters of the provider message inside its own message", () => {
    const hostile = new ProviderRejectedError({
      providerCode: "X",
      providerMessage: "a\nFAKE LOG LINE",
      raw: {},
    });
    expect(hostile.message).toBe("rejected by provider: X a\\nFAKE LOG LINE");
    // The field is escaped the same way (issue 13, input 6); the exact text stays in `raw`.
    expect(hostile.providerMessage).toBe("a\\nFAKE LOG LINE");
  });

  it("bounds and escapes server text the same way in every field: providerMessage, trace id (issue 13, input 6)", () => {
    const forged = new ProviderRejectedError({
      providerCode: "1",
      providerMessage: "x".repeat(600),
      traceId: "t1\r\n2026-01-01 INFO ORDER-9 captured",
      raw: { msg: "x".repeat(600) },
    });
    expect(forged.traceId).toBe("t1\\r\\n2026-01-01 INFO ORDER-9 captured");
    expect(forged.providerMessage).toHaveLength(500);
    expect(forged.providerMessage.endsWith("…")).toBe(true);
    const huge = new ProviderRejectedError({
      providerCode: "1",
      providerMessage: "",
      traceId: "t".repeat(500_000),
      raw: {},
    });
    expect(huge.traceId).toBe(`${"t".repeat(127)}…`);
    expect(JSON.stringify(huge.toJSON())).not.toContain("t".repeat(200));
  });

  it("adds an English gloss after the provider's own words", () => {
    const glossed = new ProviderRejectedError({
      providerCode: "20052",
      providerMessage: "验签失败",
      gloss: "signature verification failed",
      raw: {},
    });
    expect(glossed.message).toBe("rejected by provider: 20052 验签失败 (signature verification failed)");
    expect(glossed.providerMessage).toBe("验签失败");
  });

  it("omits an empty provider message from its message", () => {
    expect(new ProviderRejectedError({ providerCode: "20041", providerMessage: "", raw: {} }).message).toBe(
      "rejected by provider: 20041",
    );
  });
});

describe("ClockSkewError", () => {
  const base = {
    provider: "daxpay",
    operation: "cancel",
    providerCode: "10006",
    providerMessage: "expired",
    raw: {},
  } as const;

  it("is a ProviderRejectedError with type clock_skew and states a known offset", () => {
    const error = new ClockSkewError({ ...base, estimatedOffsetMs: 12_345 });
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toBeInstanceOf(PayClientError);
    expect(error.type).toBe("clock_skew");
    expect(error.name).toBe("ClockSkewError");
    expect(error.estimatedOffsetMs).toBe(12_345);
    expect(error.message).toBe(
      "[daxpay cancel] request time rejected by provider: 10006 expired; the server clock is about 12 s ahead of this machine's clock (estimated offset 12345 ms)",
    );
  });

  it("says 'behind' for a negative offset", () => {
    const error = new ClockSkewError({ ...base, estimatedOffsetMs: -61_000 });
    expect(error.message).toContain(
      "the server clock is about 61 s behind this machine's clock (estimated offset -61000 ms)",
    );
  });

  it("asks to check the clock when the offset is unknown", () => {
    const error = new ClockSkewError(base);
    expect(error.estimatedOffsetMs).toBeUndefined();
    expect(error.message).toBe(
      "[daxpay cancel] request time rejected by provider: 10006 expired; check this machine's clock",
    );
  });

  it("serialises the offset next to the provider fields", () => {
    expect(new ClockSkewError({ ...base, estimatedOffsetMs: 5000 }).toJSON()).toStrictEqual({
      name: "ClockSkewError",
      type: "clock_skew",
      message:
        "[daxpay cancel] request time rejected by provider: 10006 expired; the server clock is about 5 s ahead of this machine's clock (estimated offset 5000 ms)",
      provider: "daxpay",
      operation: "cancel",
      providerCode: "10006",
      providerMessage: "expired",
      verified: false,
      estimatedOffsetMs: 5000,
    });
  });
});

describe("estimateClockOffsetMs", () => {
  const local = Date.parse("2024-11-06T03:56:13.000Z");

  it("returns server minus local time from a Date header", () => {
    expect(estimateClockOffsetMs("Wed, 06 Nov 2024 03:56:43 GMT", local)).toBe(30_000);
    expect(estimateClockOffsetMs("Wed, 06 Nov 2024 03:55:13 GMT", local)).toBe(-60_000);
  });

  it("returns undefined without a usable header", () => {
    expect(estimateClockOffsetMs(null, local)).toBeUndefined();
    expect(estimateClockOffsetMs(undefined, local)).toBeUndefined();
    expect(estimateClockOffsetMs("  ", local)).toBeUndefined();
    expect(estimateClockOffsetMs("not a date", local)).toBeUndefined();
  });
});

describe("SignatureError", () => {
  it("distinguishes a missing from an invalid signature", () => {
    const missing = new SignatureError({ provider: "payermax", operation: "cancel", reason: "missing" });
    const invalid = new SignatureError({ provider: "daxpay", operation: "cancel", reason: "invalid" });
    expect(missing.message).toBe("[payermax cancel] response signature is missing");
    expect(invalid.message).toBe("[daxpay cancel] response signature is invalid");
    expect(missing.type).toBe("signature");
    expect(missing.name).toBe("SignatureError");
    expect(missing).toBeInstanceOf(PayClientError);
    expect(invalid.toJSON()).toStrictEqual({
      name: "SignatureError",
      type: "signature",
      message: "[daxpay cancel] response signature is invalid",
      provider: "daxpay",
      operation: "cancel",
      reason: "invalid",
    });
  });
});

describe("TimeoutError", () => {
  it("carries the per-attempt timeout and the number of attempts", () => {
    const error = new TimeoutError({
      provider: "gatepay",
      operation: "cancelRecharge",
      timeoutMs: 10_000,
      attempts: 3,
    });
    expect(error.type).toBe("timeout");
    expect(error.name).toBe("TimeoutError");
    expect(error.timeoutMs).toBe(10_000);
    expect(error.attempts).toBe(3);
    expect(error.message).toBe("[gatepay cancelRecharge] no complete response within 10000 ms (3 attempts)");
    expect(error).toBeInstanceOf(PayClientError);
    expect(error.toJSON()).toStrictEqual({
      name: "TimeoutError",
      type: "timeout",
      message: "[gatepay cancelRecharge] no complete response within 10000 ms (3 attempts)",
      provider: "gatepay",
      operation: "cancelRecharge",
      timeoutMs: 10_000,
      attempts: 3,
    });
  });

  it("says 'attempt' for a single attempt", () => {
    expect(new TimeoutError({ timeoutMs: 50, attempts: 1 }).message).toBe(
      "no complete response within 50 ms (1 attempt)",
    );
  });
});

describe("NetworkError", () => {
  const cause = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });

  it("keeps the cause but builds its message from the code alone", () => {
    const error = new NetworkError({
      provider: "gatepay",
      code: "ECONNREFUSED",
      beforeResponse: true,
      requestSent: false,
      cause,
    });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("[gatepay] network error before the request was sent (ECONNREFUSED)");
    expect(error.type).toBe("network");
    expect(error.name).toBe("NetworkError");
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.beforeResponse).toBe(true);
    expect(error.requestSent).toBe(false);
    expect(error).toBeInstanceOf(PayClientError);
  });

  it("describes each phase", () => {
    expect(new NetworkError({ code: "ECONNRESET", beforeResponse: true, requestSent: true }).message).toBe(
      "network error before any response (ECONNRESET)",
    );
    expect(new NetworkError({ beforeResponse: false, requestSent: true }).message).toBe(
      "network error while reading the response",
    );
  });

  it("leaves the cause out of toJSON", () => {
    const error = new NetworkError({
      code: "UND_ERR_SOCKET",
      beforeResponse: false,
      requestSent: true,
      cause,
    });
    expect(error.toJSON()).toStrictEqual({
      name: "NetworkError",
      type: "network",
      message: "network error while reading the response (UND_ERR_SOCKET)",
      code: "UND_ERR_SOCKET",
      beforeResponse: false,
      requestSent: true,
    });
    expect(JSON.stringify(error)).not.toContain("127.0.0.1");
  });
});

describe("UnexpectedResponseError", () => {
  it("carries the reason and an escaped body snippet", () => {
    const error = new UnexpectedResponseError({
      provider: "payermax",
      operation: "cancel",
      status: 200,
      reason: "not_json",
      body: '{"code":"APPLY_SUC\r\n',
    });
    expect(error.type).toBe("unexpected_response");
    expect(error.name).toBe("UnexpectedResponseError");
    expect(error.reason).toBe("not_json");
    expect(error.bodySnippet).toBe('{"code":"APPLY_SUC\\r\\n');
    expect(error.message).toBe("[payermax cancel] response body is not JSON");
    expect(error).toBeInstanceOf(PayClientError);
    expect(error.toJSON()).toStrictEqual({
      name: "UnexpectedResponseError",
      type: "unexpected_response",
      message: "[payermax cancel] response body is not JSON",
      provider: "payermax",
      operation: "cancel",
      status: 200,
      reason: "not_json",
      bodySnippet: '{"code":"APPLY_SUC\\r\\n',
    });
  });

  it("appends the detail to its message and keeps the snippet at 200 characters", () => {
    const error = new UnexpectedResponseError({
      reason: "wrong_shape",
      detail: "data.status: must be string",
      body: "x".repeat(5000),
    });
    expect(error.message).toBe("response does not match the expected schema: data.status: must be string");
    expect(error.bodySnippet).toBe(`${"x".repeat(199)}…`);
  });

  it("has an empty snippet when no body was seen", () => {
    expect(new UnexpectedResponseError({ reason: "empty" }).bodySnippet).toBe("");
  });
});

describe("ProviderUnavailableError", () => {
  it("carries the status, Retry-After and an HTML snippet", () => {
    const error = new ProviderUnavailableError({
      provider: "gatepay",
      operation: "closeOrder",
      status: 503,
      retryAfterMs: 1000,
      body: "<html><body>503 Service Unavailable</body></html>",
    });
    expect(error.type).toBe("unavailable");
    expect(error.name).toBe("ProviderUnavailableError");
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBe(1000);
    expect(error.message).toBe("[gatepay closeOrder] provider unavailable (HTTP 503)");
    expect(error).toBeInstanceOf(PayClientError);
    expect(error.toJSON()).toStrictEqual({
      name: "ProviderUnavailableError",
      type: "unavailable",
      message: "[gatepay closeOrder] provider unavailable (HTTP 503)",
      provider: "gatepay",
      operation: "closeOrder",
      status: 503,
      retryAfterMs: 1000,
      bodySnippet: "<html><body>503 Service Unavailable</body></html>",
    });
  });

  it("calls 429 rate limiting", () => {
    expect(new ProviderUnavailableError({ status: 429 }).message).toBe(
      "provider is rate limiting (HTTP 429)",
    );
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2024-11-06T03:56:13.000Z");

  it("reads delta seconds", () => {
    expect(parseRetryAfterMs("3", now)).toBe(3000);
    expect(parseRetryAfterMs(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfterMs("Wed, 06 Nov 2024 03:56:15 GMT", now)).toBe(2000);
    expect(parseRetryAfterMs("Wed, 06 Nov 2024 03:56:00 GMT", now)).toBe(0);
  });

  it("ignores absent and malformed values", () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs("-5", now)).toBeUndefined();
    expect(parseRetryAfterMs("1.5", now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
  });
});

describe("snippet", () => {
  it("escapes control, separator and bidi characters and lone surrogates", () => {
    expect(snippet("a\tb\u0000c\u007f\u0085\u2028\u202e\ud800z")).toBe(
      "a\\tb\\u0000c\\u007f\\u0085\\u2028\\u202e\\ud800z",
    );
  });

  it("keeps text of exactly 200 characters whole", () => {
    expect(snippet("y".repeat(200))).toBe("y".repeat(200));
  });

  it("never splits an escape or a surrogate pair when truncating", () => {
    expect(snippet(`${"a".repeat(197)}\n`.padEnd(300, "b"))).toBe(`${"a".repeat(197)}\\n…`);
    expect(snippet(`${"a".repeat(198)}\n`.padEnd(300, "b"))).toBe(`${"a".repeat(198)}…`);
    const emoji = snippet(`${"a".repeat(198)}😀😀`);
    expect(emoji).toBe(`${"a".repeat(198)}…`);
    expect(emoji.length).toBeLessThanOrEqual(200);
  });
});

describe("every error", () => {
  const errors: PayClientError[] = [
    new ValidationError({ field: "f", rule: "required", reason: "is required" }),
    new ProviderRejectedError({ providerCode: "c", providerMessage: "m", raw: {} }),
    new ClockSkewError({ providerCode: "c", providerMessage: "m", raw: {} }),
    new SignatureError({ reason: "missing" }),
    new TimeoutError({ timeoutMs: 1, attempts: 1 }),
    new NetworkError({ beforeResponse: true, requestSent: true }),
    new UnexpectedResponseError({ reason: "empty" }),
    new ProviderUnavailableError({ status: 502 }),
  ];

  it("has a distinct type", () => {
    expect(new Set(errors.map((error) => error.type)).size).toBe(errors.length);
  });

  it("round-trips through JSON.stringify as its toJSON", () => {
    for (const error of errors) expect(JSON.parse(JSON.stringify(error))).toStrictEqual(error.toJSON());
  });

  it("has no own cause property when none was given", () => {
    for (const error of errors) expect(Object.hasOwn(error, "cause")).toBe(false);
  });

  it("prints its type in util.inspect", () => {
    for (const error of errors) expect(inspect(error)).toContain(`type: '${error.type}'`);
  });
});
