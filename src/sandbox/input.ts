// Input checks shared by the programmatic seeding API and the admin HTTP routes, and the wording of
// schema violations reported by the generated validators. Messages name the field and the rule, never
// the received value: someone may paste a secret into the wrong field.

import type { SchemaIssue } from "../../generated/payermax.validators.js";
import { kindOf } from "../core/validate.js";

/** Bad input to the sandbox's own API (options, seeding, admin routes); `field` is a dotted path. */
export class SandboxInputError extends TypeError {
  /** The offending field, e.g. `daxpayOrders[0].status`. */
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`${field} ${reason}`);
    this.name = "SandboxInputError";
    this.field = field;
  }
}

/** Joins a prefix and a key into a dotted path (`""` + `status` → `status`). */
export function fieldPath(prefix: string, key: string): string {
  return prefix === "" ? key : `${prefix}.${key}`;
}

/** True for a plain JSON-style object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Asserts a plain object, or `undefined` → `{}` when `optional`; throws naming `field`. */
export function expectObject(value: unknown, field: string, optional = false): Record<string, unknown> {
  if (value === undefined && optional) {
    return {};
  }
  if (!isRecord(value)) {
    throw new SandboxInputError(field, `must be an object (got ${kindOf(value)})`);
  }
  return value;
}

/** Rejects keys outside `allowed`, so a typo (`stauts`) is an error rather than silently ignored. */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new SandboxInputError(fieldPath(prefix, key), "is not a known field");
    }
  }
}

/** Rules for {@link optionalString}. */
export interface StringRules {
  /** Maximum length in Unicode code points (as JSON Schema counts `maxLength`). */
  readonly maxLength?: number;
  /** Maximum length in UTF-8 bytes. */
  readonly maxBytes?: number;
  /** Maximum length in UTF-16 code units (Java's `String.length()`, which DaxPay's `@Size` counts). */
  readonly maxUtf16Units?: number;
  /** A pattern the whole string must match (anchored by the caller), with its description. */
  readonly pattern?: { readonly regex: RegExp; readonly description: string };
}

/** Reads an optional non-empty string field; throws naming the field when it breaks a rule. */
export function optionalString(
  value: Record<string, unknown>,
  key: string,
  prefix: string,
  rules: StringRules = {},
): string | undefined {
  const raw = value[key];
  if (raw === undefined) {
    return undefined;
  }
  const field = fieldPath(prefix, key);
  if (typeof raw !== "string") {
    throw new SandboxInputError(field, `must be a string (got ${kindOf(raw)})`);
  }
  if (raw === "") {
    throw new SandboxInputError(field, "must not be empty");
  }
  if (rules.maxLength !== undefined && [...raw].length > rules.maxLength) {
    throw new SandboxInputError(field, `must be at most ${rules.maxLength} characters`);
  }
  if (rules.maxUtf16Units !== undefined && raw.length > rules.maxUtf16Units) {
    throw new SandboxInputError(field, `must be at most ${rules.maxUtf16Units} UTF-16 code units`);
  }
  if (rules.maxBytes !== undefined && Buffer.byteLength(raw, "utf8") > rules.maxBytes) {
    throw new SandboxInputError(field, `must be at most ${rules.maxBytes} UTF-8 bytes`);
  }
  if (rules.pattern !== undefined && !rules.pattern.regex.test(raw)) {
    throw new SandboxInputError(field, `must be ${rules.pattern.description}`);
  }
  return raw;
}

/** Reads an optional field that must be one of `values`. */
export function optionalEnum<T extends string>(
  value: Record<string, unknown>,
  key: string,
  prefix: string,
  values: readonly T[],
): T | undefined {
  const raw = value[key];
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== "string" || !(values as readonly string[]).includes(raw)) {
    throw new SandboxInputError(fieldPath(prefix, key), `must be one of ${values.join(", ")}`);
  }
  return raw as T;
}

/** Reads an optional integer field within [min, max]. */
export function optionalInteger(
  value: Record<string, unknown>,
  key: string,
  prefix: string,
  min: number,
  max: number,
): number | undefined {
  const raw = value[key];
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new SandboxInputError(fieldPath(prefix, key), `must be an integer from ${min} to ${max}`);
  }
  return raw;
}

/** Decimal amounts as the OTC API writes them: "1000", "1088.42". */
export const DECIMAL_STRING = {
  regex: /^(0|[1-9][0-9]*)(\.[0-9]+)?$/,
  description: 'a decimal string such as "1088.42"',
} as const;

/** One schema violation in words: the field as a dotted path and what is wrong with it. */
export interface IssueDescription {
  /** Dotted path such as `data.requestId`; alternatives joined with `|` (`orderNo|bizOrderNo`). */
  readonly field: string;
  /** What is wrong, e.g. `is required`, `must be string`. */
  readonly reason: string;
}

function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function describeOne(issue: SchemaIssue): IssueDescription {
  const at = pointerToPath(issue.instancePath);
  const params = issue.params;
  switch (issue.keyword) {
    case "required":
      return { field: fieldPath(at, String(params.missingProperty)), reason: "is required" };
    case "type":
      return { field: at || "body", reason: `must be ${String(params.type)}` };
    case "maxLength":
      return { field: at, reason: `must be at most ${String(params.limit)} characters` };
    case "enum": {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.join(", ") : "";
      return { field: at, reason: `must be one of ${allowed}` };
    }
    case "pattern":
    case "anyOf":
      return { field: at, reason: "has an invalid format" };
    default:
      return { field: at || "body", reason: issue.message ?? `breaks the ${issue.keyword} rule` };
  }
}

/**
 * Words for the first problem in a validator's `errors`. An `anyOf` of `required` alternatives (at
 * least one of two ids) is reported as one field `a|b` with reason `one of them is required`.
 */
export function describeSchemaIssues(issues: readonly SchemaIssue[] | null | undefined): IssueDescription {
  const list = issues ?? [];
  const anyOf = list.find((issue) => issue.keyword === "anyOf");
  if (anyOf !== undefined) {
    const alternatives = list
      .filter((issue) => issue.keyword === "required" && issue.instancePath === anyOf.instancePath)
      .map((issue) => String(issue.params.missingProperty));
    if (alternatives.length > 0) {
      const at = pointerToPath(anyOf.instancePath);
      return { field: fieldPath(at, alternatives.join("|")), reason: "one of them is required" };
    }
    return describeOne(anyOf);
  }
  const first = list[0];
  return first === undefined ? { field: "body", reason: "is invalid" } : describeOne(first);
}
