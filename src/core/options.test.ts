import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError } from "./errors.js";
import {
  COMMON_OPTION_KEYS,
  type CommonClientOptions,
  DEFAULT_TIMEOUT_MS,
  randomNonce,
  resolveCommonOptions,
} from "./options.js";

/** Returns the field and rule of the ValidationError `options` must cause. */
function rejection(options: unknown): { field: string; rule: string } {
  try {
    resolveCommonOptions(options as CommonClientOptions);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { field: error.field, rule: error.rule };
  }
  throw new Error("expected a ValidationError");
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("resolveCommonOptions", () => {
  it("applies every default", () => {
    const resolved = resolveCommonOptions();
    expect(resolved.now).toBe(Date.now);
    expect(resolved.timeoutMs).toBe(10_000);
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
    expect(resolved.retry).toStrictEqual({ retries: 2, baseDelayMs: 100, maxDelayMs: 2000 });
    expect(resolved.hooks).toStrictEqual({ onRequest: undefined, onResponse: undefined });
    expect(resolved.maxResponseBytes).toBe(1024 * 1024);
    expect(resolved.nonce()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("uses the global fetch as it is at call time, so later stubs apply", async () => {
    const resolved = resolveCommonOptions({});
    const stub = vi.fn(async () => new Response("stubbed"));
    vi.stubGlobal("fetch", stub);
    const response = await resolved.fetch("http://example.test/x", { method: "POST" });
    expect(await response.text()).toBe("stubbed");
    expect(stub).toHaveBeenCalledWith("http://example.test/x", { method: "POST" });
  });

  it("keeps every option the caller gives", () => {
    const fetch = vi.fn();
    const now = () => 1_730_865_373_000;
    const nonce = () => "fixedNonce";
    const onRequest = () => undefined;
    const onResponse = () => undefined;
    const resolved = resolveCommonOptions({
      fetch,
      now,
      nonce,
      timeoutMs: 2500,
      retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 10 },
      onRequest,
      onResponse,
      maxResponseBytes: 4096,
    });
    const { transport, ...rest } = resolved;
    expect(rest).toStrictEqual({
      fetch,
      now,
      nonce,
      timeoutMs: 2500,
      retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 10 },
      hooks: { onRequest, onResponse },
      maxResponseBytes: 4096,
    });
    expect(typeof transport).toBe("function");
  });

  it("sends through the given fetch when there is one, and over node:http otherwise", async () => {
    const fetch = vi.fn(async () => new Response('{"ok":true}', { status: 200 }));
    const viaFetch = resolveCommonOptions({ fetch });
    const answer = await viaFetch.transport(
      { url: "http://127.0.0.1:1/x", headers: {}, body: "{}" },
      { timeoutMs: 1000, maxResponseBytes: 100, attempt: 1 },
    );
    expect(answer.text).toBe('{"ok":true}');
    expect(fetch).toHaveBeenCalledTimes(1);
    // Without fetch, nothing is called through the global fetch: port 1 refuses the node:http connection.
    const spy = vi.spyOn(globalThis, "fetch");
    const viaNode = resolveCommonOptions({});
    await expect(
      viaNode.transport(
        { url: "http://127.0.0.1:1/x", headers: {}, body: "{}" },
        { timeoutMs: 1000, maxResponseBytes: 100, attempt: 1 },
      ),
    ).rejects.toMatchObject({ type: "network", code: "ECONNREFUSED", requestSent: false });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it.each([
    [{ timeoutMs: -1 }, "timeoutMs", "range:1..2147483647"],
    [{ timeoutMs: 0 }, "timeoutMs", "range:1..2147483647"],
    [{ timeoutMs: 1.5 }, "timeoutMs", "range:1..2147483647"],
    [{ timeoutMs: Number.NaN }, "timeoutMs", "range:1..2147483647"],
    [{ timeoutMs: 2 ** 31 }, "timeoutMs", "range:1..2147483647"],
    [{ timeoutMs: "1000" }, "timeoutMs", "range:1..2147483647"],
    [{ retry: { retries: -1 } }, "retry.retries", "range:0..10"],
    [{ retry: { retries: 11 } }, "retry.retries", "range:0..10"],
    [{ retry: { baseDelayMs: -5 } }, "retry.baseDelayMs", "range:0..2147483647"],
    [{ retry: { maxDelayMs: Number.POSITIVE_INFINITY } }, "retry.maxDelayMs", "range:0..2147483647"],
    [{ retry: { attempts: 3 } }, "retry.attempts", "unknown"],
    [{ retry: 3 }, "retry", "object"],
    [{ retry: null }, "retry", "object"],
    [{ timeoutMs: null }, "timeoutMs", "range:1..2147483647"],
    [{ maxResponseBytes: 0 }, "maxResponseBytes", "range:1..9007199254740991"],
    [{ fetch: "https://example.test" }, "fetch", "function"],
    [{ now: 1_730_865_373_000 }, "now", "function"],
    [{ nonce: "abc" }, "nonce", "function"],
    [{ onRequest: true }, "onRequest", "function"],
    [{ onResponse: {} }, "onResponse", "function"],
  ])("rejects %j naming the option", (options, field, rule) => {
    expect(rejection(options)).toStrictEqual({ field, rule });
  });
});

describe("COMMON_OPTION_KEYS", () => {
  it("lists every common option", () => {
    expect([...COMMON_OPTION_KEYS].sort()).toStrictEqual(
      ["fetch", "maxResponseBytes", "nonce", "now", "onRequest", "onResponse", "retry", "timeoutMs"].sort(),
    );
  });
});

describe("randomNonce", () => {
  it("returns 32 characters from [A-Za-z0-9] by default, and the asked length otherwise", () => {
    expect(randomNonce()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomNonce(8)).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(randomNonce(500)).toHaveLength(500);
  });

  it("does not repeat", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => randomNonce()));
    expect(nonces.size).toBe(1000);
  });

  it("uses every character of the alphabet, roughly evenly", () => {
    const counts = new Map<string, number>();
    for (const char of randomNonce(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 1000 each; a modulo bias without rejection sampling would still pass this, but a
    // broken alphabet or index (e.g. always "A") would not.
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
  });
});
