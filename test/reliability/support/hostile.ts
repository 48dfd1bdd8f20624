// Hostile strings for property tests, and independent checks of the rules a field must meet (written
// here from the specs, not borrowed from the library), so a property can say which fields of an input
// are invalid before the client sees it.

import { isIP } from "node:net";
import fc from "fast-check";

/** Characters that break naive signing, escaping, logging or length counting. */
export const NASTY_CHARACTERS = [
  '"',
  "\\",
  "&",
  "=",
  "'",
  "`",
  "%",
  "+",
  " ",
  "<",
  ">",
  "{",
  "}",
  "\u0000",
  "\u0007",
  "\n",
  "\r",
  "\t",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u2029",
  "\u202e",
  "\u2066",
  "\ufeff",
  "\ufffd",
  "é",
  "e\u0301",
  "中",
  "文",
  "订单",
  "😀",
  "👩‍👩‍👧",
  "𠀀",
  "\u{10ffff}",
] as const;

/** Lone surrogates: no UTF-8 form at all, so every client must refuse them. */
export const LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"] as const;

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_CHARACTERS) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }) },
);

/** Any string: short ones (often valid ids), long ones, very long ones (tens of thousands of characters), and ones with a lone surrogate. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit, maxLength: 24 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ unit, maxLength: 12 }),
        fc.constantFrom(...LONE_SURROGATES),
        fc.string({ unit, maxLength: 12 }),
      )
      .map(([before, lone, after]) => `${before}${lone}${after}`),
  },
  { weight: 3, arbitrary: fc.string({ unit, minLength: 25, maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ unit, minLength: 1, maxLength: 4 }), fc.integer({ min: 1_000, max: 12_000 }))
      .map(([piece, times]) => piece.repeat(times)),
  },
);

/** A valid value nine times in ten, a hostile string otherwise: keeps a sizeable share of many-field inputs acceptable. */
export function sometimesHostile(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 1, arbitrary: hostileString }, { weight: 9, arbitrary: valid });
}

/** A plain decimal amount such as "1088.42". */
export const decimalString: fc.Arbitrary<string> = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 10n ** 12n }),
    fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }),
  )
  .map(([whole, fraction]) => (fraction === undefined ? `${whole}` : `${whole}.${fraction}`));

/** An IP address as a client would send it, or something that only looks like one. */
export const ipLike: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.ipV4() },
  { weight: 3, arbitrary: fc.ipV6() },
  { weight: 1, arbitrary: fc.ipV4Extended() },
  {
    weight: 1,
    arbitrary: fc.constantFrom("::1", "fe80::1%eth0", "1.2.3.4 ", "256.1.1.1", "01.2.3.4", "::ffff:10.0.0.1"),
  },
  { weight: 2, arbitrary: hostileString },
);

/** Drops keys whose value is undefined, so an absent field is really absent. */
export function compact<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** True when every surrogate in `text` is half of a pair (checked code unit by code unit). */
export function isWellFormedUtf16(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      index += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** Code points in a well-formed string. */
export function codePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) index += 1;
    count += 1;
  }
  return count;
}

/** UTF-8 bytes of a well-formed string, counted per code point. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** The rules of one string field, from the spec. */
export interface FieldRule {
  /** The spec's maxLength, counted in UTF-16 code units as the providers' servers count it. */
  readonly maxUnits?: number;
  readonly maxBytes?: number;
  readonly pattern?: RegExp;
  readonly oneOf?: readonly string[];
  readonly ip?: boolean;
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** The field rules of each operation, from the specs (docs/provider-behaviour.md, generated/openapi). */
export const FIELD_RULES = {
  closeOrder: { merchantTradeNo: { maxUnits: 32, maxBytes: 32 }, prepayId: {} },
  createRecharge: {
    quoteToken: {},
    bankId: {},
    currency: { oneOf: ["USDT", "USDC"] },
    amount: { pattern: DECIMAL },
    fiatCurrency: { oneOf: ["USD"] },
    fiatAmount: { pattern: DECIMAL },
    promoCode: {},
  },
  cancelRecharge: { orderId: {} },
  daxpayCancel: {
    orderNo: { maxUnits: 32 },
    bizOrderNo: { maxUnits: 100 },
    clientIp: { ip: true },
  },
  payermaxCancel: { requestId: { maxUnits: 64 }, outTradeNo: { maxUnits: 64 } },
} as const satisfies Record<string, Record<string, FieldRule>>;

/** True when a present value meets the rule (and the library-wide rules: non-empty, well-formed). */
export function meetsRule(value: string, rule: FieldRule): boolean {
  if (value === "" || !isWellFormedUtf16(value)) return false;
  // String.length counts UTF-16 code units: an astral character such as "😀" is two.
  if (rule.maxUnits !== undefined && value.length > rule.maxUnits) return false;
  if (rule.maxBytes !== undefined && utf8Bytes(value) > rule.maxBytes) return false;
  if (rule.pattern !== undefined && !rule.pattern.test(value)) return false;
  if (rule.oneOf !== undefined && !rule.oneOf.includes(value)) return false;
  if (rule.ip === true && (isIP(value) === 0 || value.includes("%"))) return false;
  return true;
}

/**
 * The fields a validation error may name for `input`: each present field that breaks its rule, each
 * missing required one, and "a|b" when none of an at-least-one-of group is present.
 */
export function invalidFields(
  input: Readonly<Record<string, string | undefined>>,
  rules: Readonly<Record<string, FieldRule>>,
  required: readonly string[],
  atLeastOneOf: readonly string[] = [],
): string[] {
  const invalid: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const value = input[name];
    if (value === undefined) {
      if (required.includes(name)) invalid.push(name);
    } else if (!meetsRule(value, rule)) {
      invalid.push(name);
    }
  }
  if (atLeastOneOf.length > 0 && atLeastOneOf.every((name) => input[name] === undefined)) {
    invalid.push(atLeastOneOf.join("|"));
  }
  return invalid;
}
