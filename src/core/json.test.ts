import { describe, expect, it } from "vitest";
import type { RawExchange } from "./call.js";
import { exactInt64, parseExactText, parseJsonExact } from "./json.js";

/** Parses as the reader does: the schema sees `forSchema`, then the int64 fields become text. */
function read(exchange: RawExchange, paths: readonly string[] = []) {
  const parsed = parseJsonExact(exchange, ctx, 0);
  const schemaSaw = JSON.stringify(parsed.forSchema);
  exactInt64(parsed.value, paths);
  return { ...parsed, schemaSaw };
}

const ctx = { provider: "gatepay", operation: "createRecharge" } as const;

function exchange(text: string, status = 200): RawExchange {
  return { status, text, headers: new Headers(), attempt: 1, sentAtMs: 0 };
}

// GatePay createRecharge's answer as issue 17 gives it: int64 values past 2^53.
const RECHARGE =
  '{"code":"000000","status":"SUCCESS","data":{"orderId":"71347515709194240","createTime":9007199254740993,' +
  '"card_info":{"id":1234567890123456789,"uid":9223372036854775807,"bank_name":"B"}}}';
const INT64_PATHS = ["data.createTime", "data.card_info.id", "data.card_info.uid"];

describe("parseJsonExact", () => {
  it("delivers the spec's int64 fields as their exact decimal text, where JSON.parse would round them", () => {
    const { value } = read(exchange(RECHARGE), INT64_PATHS);
    const data = (value as { data: Record<string, unknown> }).data;
    expect(data.createTime).toBe("9007199254740993");
    expect(data.card_info).toStrictEqual({
      id: "1234567890123456789",
      uid: "9223372036854775807",
      bank_name: "B",
    });
    // What JSON.parse alone would have produced, for contrast.
    expect(String(JSON.parse(RECHARGE).data.card_info.uid)).toBe("9223372036854776000");
  });

  it("gives the schema check numbers, so the spec's validators are unchanged", () => {
    const { schemaSaw } = read(exchange(RECHARGE), INT64_PATHS);
    expect(schemaSaw).toContain('"createTime":9007199254740992');
  });

  it("delivers safe int64 values as strings too, so the type is one type", () => {
    const text = '{"data":{"createTime":1700000000000,"card_info":{"id":7,"uid":0}}}';
    const { value, schemaSaw } = read(exchange(text), INT64_PATHS);
    expect(value).toStrictEqual({ data: { createTime: "1700000000000", card_info: { id: "7", uid: "0" } } });
    // Parsed once: the schema saw the numbers before they became text.
    expect(schemaSaw).toBe(text);
  });

  it("keeps an unsafe integer outside the int64 fields as exact text rather than rounding it", () => {
    const { value } = read(exchange('{"code":0,"extra":-9007199254740993,"ratio":1.25}'));
    expect(value).toStrictEqual({ code: 0, extra: "-9007199254740993", ratio: 1.25 });
  });

  it("takes JSON.parse alone, sharing one tree, when no digit run could be unsafe", () => {
    const parsed = parseJsonExact(exchange('{"code":0,"resTime":1700000000}'), ctx, 0);
    expect(parsed.value).toBe(parsed.forSchema);
    expect(parsed.value).toStrictEqual({ code: 0, resTime: 1700000000 });
  });

  it("leaves a missing int64 field and a non-integer one alone for the schema to judge", () => {
    const { value } = read(exchange('{"data":{"createTime":1.5}}'), INT64_PATHS);
    expect(value).toStrictEqual({ data: { createTime: 1.5 } });
  });

  it("refuses invalid JSON with UnexpectedResponseError not_json, and a 5xx one as unavailable", () => {
    expect(() => parseJsonExact(exchange('{"a":12345678901234567'), ctx, 0)).toThrow(
      expect.objectContaining({ type: "unexpected_response", reason: "not_json" }),
    );
    expect(() => parseJsonExact(exchange("{", 502), ctx, 0)).toThrow(
      expect.objectContaining({ type: "unavailable" }),
    );
  });
});

describe("parseExactText", () => {
  it("keeps an integer a double cannot hold as its decimal text, and parses the rest as JSON.parse does", () => {
    expect(parseExactText('{"id":9223372036854775807,"n":7,"x":1.5}')).toStrictEqual({
      id: "9223372036854775807",
      n: 7,
      x: 1.5,
    });
    expect(() => parseExactText("{")).toThrow();
  });
});
