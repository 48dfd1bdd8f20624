/**
 * DaxPay 2.0.x request and response signing (rule and sources in docs/providers.md, "DaxPay").
 *
 * Worked example, the request printed on the published page specs/daxpay/source/002_4bab13d051213cac.txt,
 * pinned in sign.test.ts:
 *
 *   fields      = { bizTradeNo: "P0001", clientIp: "127.0.0.1", reqTime: 1715347558 }
 *   secret      = "123456"
 *   sign string = "bizTradeNo=P0001&clientIp=127.0.0.1&reqTime=1715347558&key=123456"
 *   sign        = "458565a54e959fa206dcda9b44eecaf0d5907e8af40f9457d404e533e092a9ed"  (HMAC_SHA256)
 *
 * The 3.x docs say to upper-case the string; the 2.x server does not, and the seed's example only
 * reproduces without upper-casing.
 */
import { createHash, createHmac } from "node:crypto";
import { constantTimeEqual } from "../core/constant-time.js";
import { ValidationError } from "../core/errors.js";

/** The digest a DaxPay platform is configured for; HMAC_SHA256 unless the merchant changed it. */
export type DaxPaySignType = "HMAC_SHA256" | "MD5";

// Plain code-unit order, spelled out so nobody "fixes" it to localeCompare, which would put
// lowercase before uppercase and break signatures.
function compareCodeUnits(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

function isScalar(value: unknown): value is string | number | boolean | bigint {
  return (
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    typeof value === "bigint"
  );
}

// Fields that are absent from the sign string, as the 2.x server leaves them out.
function signedFields(fields: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(fields).filter(
    (field) => field !== "sign" && fields[field] !== null && fields[field] !== undefined,
  );
}

function validationError(field: string, rule: string, reason: string, cause?: unknown): ValidationError {
  return new ValidationError({ provider: "daxpay", field, rule, reason, cause });
}

/**
 * Builds the exact string DaxPay 2.x digests. Throws ValidationError (provider "daxpay") naming a
 * field that is not a string, number or boolean (rule "scalar"; the value stays out of the message,
 * it may be customer data) or a secret that is not a string (field "secret", rule "string").
 */
export function daxPaySignString(fields: Readonly<Record<string, unknown>>, secret: string): string {
  if (typeof secret !== "string") {
    throw validationError("secret", "string", "must be a string");
  }
  const joined = signedFields(fields)
    .sort(compareCodeUnits)
    .map((field) => {
      const value = fields[field];
      if (!isScalar(value)) {
        throw validationError(field, "scalar", "must be a string, number or boolean to be signed");
      }
      return `${field}=${String(value)}`;
    })
    .join("&");
  // The server strips quotes and backslashes before digesting (docs/providers.md, "Request and signing"); the secret is
  // appended afterwards and so is used verbatim.
  return `${joined.replace(/["\\]/g, "")}&key=${secret}`;
}

/**
 * Computes the `sign` field: lowercase hex HMAC-SHA256 (key = secret) or MD5 of the sign string.
 * Throws ValidationError (provider "daxpay") as {@link daxPaySignString} does, for a sign type it does
 * not know (field "signType", rule "enum:HMAC_SHA256|MD5"), or when this runtime's node:crypto cannot
 * compute the digest (field "signType", rule "digest", the runtime's error as `cause`).
 */
export function signDaxPay(
  fields: Readonly<Record<string, unknown>>,
  secret: string,
  signType: DaxPaySignType = "HMAC_SHA256",
): string {
  if (signType !== "HMAC_SHA256" && signType !== "MD5") {
    throw validationError("signType", "enum:HMAC_SHA256|MD5", "must be HMAC_SHA256 or MD5");
  }
  const signString = daxPaySignString(fields, secret);
  try {
    return signType === "HMAC_SHA256"
      ? createHmac("sha256", Buffer.from(secret, "utf8")).update(signString, "utf8").digest("hex")
      : createHash("md5").update(signString, "utf8").digest("hex");
  } catch (error) {
    // Only the error's name: its message is the runtime's, and the sign string holds the secret.
    const name = error instanceof Error ? error.name : typeof error;
    throw validationError(
      "signType",
      "digest",
      `this runtime's node:crypto could not compute ${signType} (${name})`,
      error,
    );
  }
}

/**
 * Checks a signed object such as the response's `data` in constant time; false, never a throw, when
 * it is not an object, has no string `sign`, holds a field that cannot be signed (a nested object: no
 * signature can cover it), or its sign does not match. A check that cannot run (an unknown sign type,
 * a secret that is not a string, a runtime without the digest) throws ValidationError as
 * {@link signDaxPay} does, rather than reading as a forged signature.
 */
export function verifyDaxPaySignature(
  data: Readonly<Record<string, unknown>>,
  secret: string,
  signType: DaxPaySignType = "HMAC_SHA256",
): boolean {
  // Response bodies are parsed JSON, so `data` may be anything at run time.
  if (typeof data !== "object" || data === null) {
    return false;
  }
  const received = data.sign;
  if (typeof received !== "string") {
    return false;
  }
  if (!signedFields(data).every((field) => isScalar(data[field]))) {
    return false;
  }
  return constantTimeEqual(signDaxPay(data, secret, signType), received);
}
