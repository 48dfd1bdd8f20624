/**
 * DaxPay 2.0.x request and response signing (rule in /work/shared/PROVIDERS.md, "DaxPay").
 *
 * Worked example, the request printed on the seed page /work/shared/seeds/002_4bab13d051213cac.txt,
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

function scalarText(field: string, value: unknown): string {
  if (typeof value === "string") {
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  // The value itself stays out of the message: it may be customer data.
  throw new TypeError(`DaxPay signing: field "${field}" is not a string, number or boolean`);
}

/** Builds the exact string DaxPay 2.x digests; throws a TypeError naming any non-scalar field. */
export function daxPaySignString(fields: Readonly<Record<string, unknown>>, secret: string): string {
  const joined = Object.keys(fields)
    .filter((field) => field !== "sign" && fields[field] !== null && fields[field] !== undefined)
    .sort(compareCodeUnits)
    .map((field) => `${field}=${scalarText(field, fields[field])}`)
    .join("&");
  // The server strips quotes and backslashes before digesting (PROVIDERS.md step 3); the secret is
  // appended afterwards and so is used verbatim.
  return `${joined.replace(/["\\]/g, "")}&key=${secret}`;
}

/** Computes the `sign` field: lowercase hex HMAC-SHA256 (key = secret) or MD5 of the sign string. */
export function signDaxPay(
  fields: Readonly<Record<string, unknown>>,
  secret: string,
  signType: DaxPaySignType = "HMAC_SHA256",
): string {
  const signString = daxPaySignString(fields, secret);
  switch (signType) {
    case "HMAC_SHA256":
      return createHmac("sha256", Buffer.from(secret, "utf8")).update(signString, "utf8").digest("hex");
    case "MD5":
      return createHash("md5").update(signString, "utf8").digest("hex");
    default: {
      const unknown: never = signType;
      throw new TypeError(`DaxPay signing: unknown sign type "${String(unknown)}"`);
    }
  }
}

/** Checks a signed object such as the response's `data` in constant time; false, never a throw, on any mismatch. */
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
  let expected: string;
  try {
    expected = signDaxPay(data, secret, signType);
  } catch {
    // A nested object or an unknown sign type: nothing we could have signed, so not a valid signature.
    return false;
  }
  return constantTimeEqual(expected, received);
}
