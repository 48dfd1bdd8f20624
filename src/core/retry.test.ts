import { describe, expect, it } from "vitest";
import {
  NetworkError,
  ProviderRejectedError,
  ProviderUnavailableError,
  SignatureError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "./errors.js";
import { backoffDelayMs, isRetryable, type RetryPolicy, withRetry } from "./retry.js";

const refused = () => new NetworkError({ code: "ECONNREFUSED", beforeResponse: true, requestSent: false });
const resetBeforeResponse = () =>
  new NetworkError({ code: "ECONNRESET", beforeResponse: true, requestSent: true });
const resetMidResponse = () =>
  new NetworkError({ code: "UND_ERR_SOCKET", beforeResponse: false, requestSent: true });
const timeout = () => new TimeoutError({ timeoutMs: 100, attempts: 1 });
const unavailable = (status: number, retryAfterMs?: number) =>
  new ProviderUnavailableError({ status, retryAfterMs });

/** Records every sleep instead of waiting. */
function recordingPolicy(extra: RetryPolicy = {}): { policy: RetryPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    shouldRetry: () => true,
    ...extra,
  };
  return { policy, sleeps };
}

/** An attempt function that throws the given errors in turn, then returns "ok". */
function failing(...errors: unknown[]): { attempt: (n: number) => Promise<string>; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    attempt: async (n) => {
      calls.push(n);
      const error = errors[n - 1];
      if (error !== undefined) throw error;
      return "ok";
    },
  };
}

describe("backoffDelayMs", () => {
  it("doubles the jitter ceiling for each retry and floors to whole ms", () => {
    const half = { random: () => 0.5 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, half))).toStrictEqual([50, 100, 200, 400, 800]);
  });

  it("never exceeds maxDelayMs", () => {
    expect(backoffDelayMs(6, { random: () => 0.5 })).toBe(1000);
    expect(backoffDelayMs(30, { random: () => 0.999999 })).toBe(1999);
    expect(backoffDelayMs(3, { baseDelayMs: 1000, maxDelayMs: 1500, random: () => 0.5 })).toBe(750);
  });

  it("draws from the full range [0, ceiling)", () => {
    expect(backoffDelayMs(2, { random: () => 0 })).toBe(0);
    expect(backoffDelayMs(2, { random: () => 0.999 })).toBe(199);
  });
});

describe("withRetry", () => {
  it("returns the first success and sleeps the jittered backoff before each retry", async () => {
    const { policy, sleeps } = recordingPolicy();
    const { attempt, calls } = failing(resetBeforeResponse(), resetBeforeResponse());
    await expect(withRetry(attempt, policy)).resolves.toBe("ok");
    expect(calls).toStrictEqual([1, 2, 3]);
    expect(sleeps).toStrictEqual([50, 100]);
  });

  it("makes at most retries + 1 attempts and rethrows the last error unchanged", async () => {
    const last = timeout();
    const { policy, sleeps } = recordingPolicy({ retries: 2 });
    const { attempt, calls } = failing(timeout(), timeout(), last, timeout());
    await expect(withRetry(attempt, policy)).rejects.toBe(last);
    expect(calls).toStrictEqual([1, 2, 3]);
    expect(sleeps).toStrictEqual([50, 100]);
  });

  it("makes exactly one attempt with retries: 0", async () => {
    const { policy, sleeps } = recordingPolicy({ retries: 0 });
    const { attempt, calls } = failing(refused());
    await expect(withRetry(attempt, policy)).rejects.toBeInstanceOf(NetworkError);
    expect(calls).toStrictEqual([1]);
    expect(sleeps).toStrictEqual([]);
  });

  it("honours a larger retry count", async () => {
    const { policy, sleeps } = recordingPolicy({ retries: 5 });
    const { attempt, calls } = failing(...Array.from({ length: 5 }, refused));
    await expect(withRetry(attempt, policy)).resolves.toBe("ok");
    expect(calls).toStrictEqual([1, 2, 3, 4, 5, 6]);
    expect(sleeps).toStrictEqual([50, 100, 200, 400, 800]);
  });

  it("asks shouldRetry with the error and the 1-based attempt number, and stops when it says no", async () => {
    const seen: [unknown, number][] = [];
    const first = resetBeforeResponse();
    const second = resetBeforeResponse();
    const { policy } = recordingPolicy({
      shouldRetry: (error, n) => {
        seen.push([error, n]);
        return n < 2;
      },
    });
    const { attempt, calls } = failing(first, second);
    await expect(withRetry(attempt, policy)).rejects.toBe(second);
    expect(calls).toStrictEqual([1, 2]);
    expect(seen).toStrictEqual([
      [first, 1],
      [second, 2],
    ]);
  });

  it("waits Retry-After instead of the backoff", async () => {
    const { policy, sleeps } = recordingPolicy();
    const { attempt } = failing(unavailable(503, 1500), unavailable(429, 0));
    await expect(withRetry(attempt, policy)).resolves.toBe("ok");
    expect(sleeps).toStrictEqual([1500, 0]);
  });

  it("caps Retry-After at maxDelayMs", async () => {
    const { policy, sleeps } = recordingPolicy({ maxDelayMs: 2000 });
    const { attempt } = failing(unavailable(503, 120_000));
    await expect(withRetry(attempt, policy)).resolves.toBe("ok");
    expect(sleeps).toStrictEqual([2000]);
  });

  it("by default retries only requests that never left", async () => {
    const sleep = async () => undefined;
    const retriedRefused = failing(refused());
    await expect(withRetry(retriedRefused.attempt, { sleep })).resolves.toBe("ok");
    expect(retriedRefused.calls).toStrictEqual([1, 2]);
    const notRetried = failing(resetBeforeResponse());
    await expect(withRetry(notRetried.attempt, { sleep })).rejects.toBeInstanceOf(NetworkError);
    expect(notRetried.calls).toStrictEqual([1]);
  });

  it("really waits with the default sleep", async () => {
    const { attempt } = failing(refused());
    const started = performance.now();
    await withRetry(attempt, { baseDelayMs: 40, random: () => 0.999 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe("a non-idempotent operation such as createRecharge", () => {
  const possiblyDelivered = [
    ["a reset before the response", resetBeforeResponse()],
    ["a reset mid-response", resetMidResponse()],
    ["a timeout", timeout()],
    ["HTTP 502", unavailable(502)],
    ["HTTP 503", unavailable(503)],
    ["HTTP 504", unavailable(504)],
    ["HTTP 429", unavailable(429, 10)],
  ] as const;

  for (const [label, error] of possiblyDelivered) {
    it(`is sent exactly once after ${label}`, async () => {
      const { attempt, calls } = failing(error);
      await expect(
        withRetry(attempt, {
          sleep: async () => undefined,
          shouldRetry: (e) => isRetryable(e, { idempotent: false }),
        }),
      ).rejects.toBe(error);
      expect(calls).toStrictEqual([1]);
    });
  }

  it("is re-sent when the connection was refused, because the request never left", async () => {
    const { attempt, calls } = failing(refused(), refused());
    await expect(
      withRetry(attempt, {
        sleep: async () => undefined,
        shouldRetry: (e) => isRetryable(e, { idempotent: false }),
      }),
    ).resolves.toBe("ok");
    expect(calls).toStrictEqual([1, 2, 3]);
  });
});

describe("isRetryable", () => {
  const cases: [string, unknown, boolean, boolean][] = [
    // label, error, retryable when idempotent, retryable when not idempotent
    ["connection refused", refused(), true, true],
    [
      "DNS failure",
      new NetworkError({ code: "ENOTFOUND", beforeResponse: true, requestSent: false }),
      true,
      true,
    ],
    ["reset before any response", resetBeforeResponse(), true, false],
    ["reset mid-response", resetMidResponse(), false, false],
    ["timeout", timeout(), true, false],
    ["HTTP 429", unavailable(429), true, false],
    ["HTTP 500", unavailable(500), false, false],
    ["HTTP 502", unavailable(502), true, false],
    ["HTTP 503", unavailable(503), true, false],
    ["HTTP 504", unavailable(504), true, false],
    [
      // The clients raise every 429/502/503/504 as ProviderUnavailableError; a rejection is final.
      "a provider rejection, whatever its HTTP status",
      new ProviderRejectedError({ status: 503, providerCode: "SYSTEM_ERROR", providerMessage: "", raw: {} }),
      false,
      false,
    ],
    [
      "a business rejection with HTTP 200",
      new ProviderRejectedError({ status: 200, providerCode: "400204", providerMessage: "", raw: {} }),
      false,
      false,
    ],
    [
      "a validation error",
      new ValidationError({ field: "f", rule: "required", reason: "is required" }),
      false,
      false,
    ],
    ["a signature error", new SignatureError({ reason: "invalid" }), false, false],
    [
      "an unexpected response",
      new UnexpectedResponseError({ reason: "not_json", status: 200 }),
      false,
      false,
    ],
    ["a plain Error", new Error("boom"), false, false],
    ["a thrown string", "boom", false, false],
  ];

  for (const [label, error, idempotent, nonIdempotent] of cases) {
    it(`answers ${idempotent}/${nonIdempotent} (idempotent/not) for ${label}`, () => {
      expect(isRetryable(error, { idempotent: true })).toBe(idempotent);
      expect(isRetryable(error, { idempotent: false })).toBe(nonIdempotent);
    });
  }
});
