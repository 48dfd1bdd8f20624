// Reading an answer's JSON without losing an int64. JSON.parse turns 9007199254740993 into
// 9007199254740992 silently; GatePay's OTC answers carry int64 ids and times (`card_info.id`,
// `createTime`). The rule, the same for every provider:
// - a field the spec marks `format: int64` is delivered as its exact decimal string, whatever its size;
// - any other integer literal a double cannot hold exactly is delivered as its exact decimal string too
//   (never rounded), e.g. an id the provider added after the spec was written.
// The schema check still sees numbers (a second, plain parse), so validators stay those of the spec.
// Bodies with no run of 16 or more digits cannot hold such an integer and take JSON.parse alone.

import { parse as parseLossless } from "lossless-json";
import type { RawExchange } from "./call.js";
import type { ErrorContext } from "./errors.js";
import { notProviderJson } from "./response.js";

/** The parsed answer: `value` for the code (int64 exact), `forSchema` for the spec's validator. */
export interface ExactJson {
  readonly value: unknown;
  readonly forSchema: unknown;
}

// 2^53 - 1 has 16 digits: a shorter integer literal is always exact as a double.
const LONG_DIGIT_RUN = /\d{16}/;

/** Keeps an integer literal that a double cannot hold as its decimal text; everything else is a number. */
function exactNumber(text: string): unknown {
  const value = Number(text);
  if (Number.isSafeInteger(value)) return value;
  return /^-?\d+$/.test(text) ? text : value;
}

/**
 * Parses JSON text with every integer kept exact: one a double cannot hold becomes its decimal text.
 * Throws SyntaxError (or lossless-json's error) for text that is not JSON.
 */
export function parseExactText(text: string): unknown {
  return LONG_DIGIT_RUN.test(text) ? parseLossless(text, undefined, exactNumber) : JSON.parse(text);
}

/**
 * Parses `exchange.text`. Throws UnexpectedResponseError `not_json` for invalid JSON (a
 * ProviderUnavailableError on a 5xx, whose body is then a proxy's, not the provider's). Without a run
 * of 16 digits, `value` and `forSchema` are one tree, parsed once: call {@link exactInt64} on it only
 * after the schema check.
 */
export function parseJsonExact(exchange: RawExchange, ctx: ErrorContext, nowMs: number): ExactJson {
  try {
    if (!LONG_DIGIT_RUN.test(exchange.text)) {
      const value: unknown = JSON.parse(exchange.text);
      return { value, forSchema: value };
    }
    return {
      value: parseLossless(exchange.text, undefined, exactNumber),
      forSchema: JSON.parse(exchange.text),
    };
  } catch {
    throw notProviderJson(exchange, ctx, nowMs, "not_json", "invalid JSON");
  }
}

/**
 * Turns the spec's int64 fields of `value` into their exact decimal text, in place. `paths` are dotted
 * ("data.card_info.id"); arrays are not walked (none of these APIs has int64 inside an array).
 */
export function exactInt64(value: unknown, paths: readonly string[]): void {
  for (const path of paths) int64ToString(value, path.split("."));
}

/** Replaces the number at `path` (when there is one) with its exact decimal text. */
function int64ToString(root: unknown, path: readonly string[]): void {
  let holder = root;
  for (let index = 0; index < path.length - 1; index += 1) {
    if (typeof holder !== "object" || holder === null || Array.isArray(holder)) return;
    holder = (holder as Record<string, unknown>)[path[index] as string];
  }
  if (typeof holder !== "object" || holder === null || Array.isArray(holder)) return;
  const key = path[path.length - 1] as string;
  const record = holder as Record<string, unknown>;
  // Safe integers print exactly; unsafe ones are already text (exactNumber).
  if (typeof record[key] === "number" && Number.isInteger(record[key])) record[key] = String(record[key]);
}
