// The bridge between the spec's compiled validators (generated/<api>.validators.ts, Ajv standalone)
// and this library's errors: a failed request check becomes a ValidationError naming the field and
// the rule; a failed response check becomes an UnexpectedResponseError("wrong_shape"). Messages
// name paths, keywords and limits, never the value that failed: it may be customer data or a secret
// pasted into the wrong field.

import { type ErrorContext, UnexpectedResponseError, ValidationError } from "./errors.js";
import { kindOf } from "./validate.js";

/** One schema violation as Ajv reports it (the shape of the generated `SchemaIssue`). */
export interface SchemaIssueLike {
  readonly instancePath: string;
  readonly schemaPath?: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** A compiled schema check (the shape of the generated `SchemaValidator`). */
export interface SchemaCheck {
  (data: unknown): boolean;
  errors?: readonly SchemaIssueLike[] | null;
}

/** Turns "/data/requestId" into "data.requestId". */
export function pointerToField(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function join(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}

/** Reads the value a JSON pointer names, to describe its kind (never its content). */
function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const part of pointer.split("/").slice(1)) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return value;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => String(item)) : [];
}

/**
 * The issue to report: Ajv lists an `anyOf`'s failed branches before the `anyOf` itself; the
 * `anyOf` (rule "oneOf:a|b" for "at least one of these fields") is what the caller broke.
 */
function primaryIssue(issues: readonly SchemaIssueLike[]): SchemaIssueLike | undefined {
  const first = issues[0];
  if (first === undefined) return undefined;
  if (first.schemaPath?.includes("/anyOf/") !== true) return first;
  return (
    issues.find((issue) => issue.keyword === "anyOf" && issue.instancePath === first.instancePath) ?? first
  );
}

/** Maps one Ajv issue on request `input` to a ValidationError (field, rule, reason). */
export function issueToValidationError(
  issue: SchemaIssueLike,
  input: unknown,
  issues: readonly SchemaIssueLike[] = [issue],
): ValidationError {
  const path = pointerToField(issue.instancePath);
  const limit = issue.params.limit;
  const make = (field: string, rule: string, reason: string) => new ValidationError({ field, rule, reason });
  switch (issue.keyword) {
    case "required":
      return make(join(path, String(issue.params.missingProperty)), "required", "is required");
    case "type":
      return make(
        path,
        `type:${String(issue.params.type)}`,
        `must be a ${String(issue.params.type)} (got ${kindOf(valueAt(input, issue.instancePath))})`,
      );
    case "maxLength":
      return make(
        path,
        `maxLength:${String(limit)}`,
        `must be at most ${String(limit)} characters (UTF-16 code units, as the provider's server counts them)`,
      );
    case "x-max-bytes":
      // Our byte-count keyword (GatePay's "up to 32 bytes"): params.limit is the byte limit.
      return make(path, `maxBytes:${String(limit)}`, `must be at most ${String(limit)} UTF-8 bytes`);
    case "x-format": {
      // Our compiled format check: params.formats names the formats ("ipv4", "ipv6").
      const formats = stringList(issue.params.formats);
      const ip = formats.length > 0 && formats.every((format) => format === "ipv4" || format === "ipv6");
      return make(
        path,
        ip ? "ip" : `format:${formats.join("|")}`,
        ip ? "must be an IPv4 or IPv6 address" : `must be a valid ${formats.join(" or ")}`,
      );
    }
    case "enum": {
      const allowed = stringList(issue.params.allowedValues);
      return make(path, `enum:${allowed.join("|")}`, `must be one of ${allowed.join(", ")}`);
    }
    case "pattern":
      return make(path, "pattern", `must match /${String(issue.params.pattern)}/`);
    case "additionalProperties":
      return make(join(path, String(issue.params.additionalProperty)), "unknown", "is not a known field");
    case "anyOf": {
      // "At least one of these fields": every failed branch is a `required` on this object.
      const branches = issues.filter(
        (other) =>
          other.keyword === "required" &&
          other.instancePath === issue.instancePath &&
          other.schemaPath?.includes("/anyOf/") === true,
      );
      if (branches.length > 0) {
        const names = branches.map((branch) => String(branch.params.missingProperty));
        return make(
          names.map((name) => join(path, name)).join("|"),
          `oneOf:${names.join("|")}`,
          `must include at least one of ${names.join(", ")}`,
        );
      }
      return make(path, "anyOf", "does not match any of the allowed forms");
    }
    default:
      return make(path, issue.keyword, issue.message ?? `breaks the schema rule "${issue.keyword}"`);
  }
}

/**
 * Throws a ValidationError for the first violation of `check` by `input`; returns when it conforms.
 * `fieldPrefix` is cut from the reported field, so a caller who passed `requestId` reads "requestId"
 * although the schema checked the envelope's "data.requestId".
 */
export function assertRequestSchema(
  check: SchemaCheck,
  input: unknown,
  ctx: ErrorContext,
  fieldPrefix = "",
): void {
  if (check(input)) return;
  const issues = check.errors ?? [];
  const issue = primaryIssue(issues);
  const found =
    issue === undefined
      ? new ValidationError({ field: "request", rule: "schema", reason: "does not match the request schema" })
      : issueToValidationError(issue, input, issues);
  const field =
    fieldPrefix !== "" && found.field.startsWith(fieldPrefix)
      ? found.field.slice(fieldPrefix.length)
      : found.field;
  throw new ValidationError({ field, rule: found.rule, reason: found.reason, ...ctx });
}

/** Throws UnexpectedResponseError("wrong_shape") naming the first violation when `value` does not conform. */
export function assertResponseSchema(
  check: SchemaCheck,
  value: unknown,
  ctx: ErrorContext,
  body: string,
): void {
  if (check(value)) return;
  const issue = primaryIssue(check.errors ?? []);
  const mismatch =
    issue === undefined
      ? "schema check failed"
      : `${issue.instancePath === "" ? "(root)" : issue.instancePath} ${issue.message ?? issue.keyword}`;
  // A 404 in a body that is not the provider's envelope is a wrong path or baseUrl (or a sandbox that
  // does not serve the spec's path), not a provider answer: say so first.
  const detail =
    ctx.status === 404
      ? `HTTP 404 Not Found: nothing answers at this path (check baseUrl, or whether the provider moved the path); ${mismatch}`
      : mismatch;
  throw new UnexpectedResponseError({ ...ctx, reason: "wrong_shape", detail, body });
}
