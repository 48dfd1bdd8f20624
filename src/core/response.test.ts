import { describe, expect, it } from "vitest";
import type { RawExchange } from "./call.js";
import { ProviderUnavailableError, UnexpectedResponseError } from "./errors.js";
import { parseJsonExact } from "./json.js";
import { checkForStatus, clockOffsetOf, throwIfNotJson, unavailableError } from "./response.js";
import type { SchemaCheck } from "./schema.js";

const ctx = { provider: "daxpay", operation: "cancel" } as const;
const NOW = Date.parse("2023-11-14T22:13:20Z");

function exchange(status: number, text: string, headers: Record<string, string> = {}): RawExchange {
  return { status, text, headers: new Headers(headers), attempt: 1, sentAtMs: NOW };
}

function parseError(status: number, text: string, headers: Record<string, string> = {}) {
  try {
    throwIfNotJson(exchange(status, text, headers), ctx, NOW);
    parseJsonExact(exchange(status, text, headers), ctx, NOW);
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("unavailableError", () => {
  it("answers 429, 502, 503 and 504 with ProviderUnavailableError, Retry-After included", () => {
    expect(unavailableError(exchange(429, "", { "retry-after": "3" }), ctx, NOW)).toMatchObject({
      status: 429,
      retryAfterMs: 3000,
    });
    for (const status of [502, 503, 504]) {
      expect(unavailableError(exchange(status, "{}"), ctx, NOW)).toBeInstanceOf(ProviderUnavailableError);
    }
    for (const status of [200, 400, 500])
      expect(unavailableError(exchange(status, "{}"), ctx, NOW)).toBeUndefined();
  });
});

describe("throwIfNotJson, then parseJsonExact", () => {
  it("parses JSON", () => {
    expect(parseJsonExact(exchange(200, '{"code":0}'), ctx, NOW).value).toStrictEqual({ code: 0 });
  });

  it("tells empty, HTML and malformed bodies apart", () => {
    expect(parseError(200, " \n")).toMatchObject({ reason: "empty", status: 200 });
    expect(parseError(200, "<html></html>")).toMatchObject({ reason: "html" });
    expect(parseError(400, "oops", { "content-type": "text/html" })).toMatchObject({
      reason: "html",
      status: 400,
    });
    expect(parseError(200, '{"code":')).toMatchObject({ reason: "not_json" });
    expect(parseError(200, "")).toBeInstanceOf(UnexpectedResponseError);
  });

  it("reads a 5xx that is not the provider's JSON as the provider being unavailable", () => {
    expect(parseError(500, "<html>Internal Server Error</html>")).toMatchObject({
      type: "unavailable",
      status: 500,
    });
  });
});

describe("checkForStatus and clockOffsetOf", () => {
  const ok: SchemaCheck = () => true;
  const clientError: SchemaCheck = () => true;
  const serverError: SchemaCheck = () => true;

  it("picks the spec's schema by status class, and none for undeclared statuses", () => {
    const checks = { ok, clientError, serverError };
    expect(checkForStatus(200, checks)).toBe(ok);
    expect(checkForStatus(404, checks)).toBe(clientError);
    expect(checkForStatus(500, checks)).toBe(serverError);
    expect(checkForStatus(201, checks)).toBeUndefined();
    expect(checkForStatus(302, checks)).toBeUndefined();
  });

  it("estimates the server's clock offset from the Date header", () => {
    expect(clockOffsetOf(exchange(200, "", { date: "Tue, 14 Nov 2023 22:13:50 GMT" }), NOW)).toBe(30_000);
    expect(clockOffsetOf(exchange(200, ""), NOW)).toBeUndefined();
  });
});
