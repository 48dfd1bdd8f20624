/**
 * PayerMax request, response and notification signing (rule and sources in docs/providers.md, "PayerMax"):
 * header `sign` = Base64 of RSASSA-PKCS1-v1_5 / SHA-256 over the exact body bytes.
 *
 * PKCS#1 v1.5 signatures are deterministic, so this worked example is pinned in sign.test.ts and
 * reproducible with `printf '%s' "$body" | openssl dgst -sha256 -sign key.pem | base64 -w0`, where
 * key.pem is TEST_PRIVATE_KEY_PEM from ./test-keys.ts (a throwaway key, never for real traffic):
 *
 *   body = '{"version":"1.5","keyVersion":"1","requestTime":"2024-11-06T11:56:13.000+08:00",'
 *        + '"appId":"test-app-id","merchantNo":"SDP01010114048086",'
 *        + '"data":{"requestId":"R20241106001","outTradeNo":"P20241106001"}}'
 *   sign = "J/Y9NeypbGfyJxu3IZ+nybZwjr3LEB3Hva9HohRLdM2gnvQs0hGqLtxteg25A44hlGV7XyyRH8UXBreqmALqNn"
 *        + "ZMZnQrjMS7dMYdXlhchuCdQ7ohSidnP0a37aocT7EDWTsLQSA6fjMNiheksULbsfQDJW6zk8yuSynUm0GvxLYw"
 *        + "J3yNOSOC0c6j0y0nk60az30S7/hTXI7YPZfnJh73LT55akxpmf6p1cGihMU86AkHh0PXfbZh2VRWHkZmB6q9hK"
 *        + "p8SzSqo/fLNBe6EnJHotHVBiHM9LQG/ZKCTYqslwV2AyGc5z5Iw0PUGwfQXLgHhVxcOQKzDpkGMeNlR8W6/g=="
 *
 * Parsing a key costs about 0.5 ms, roughly doubling the cost of each signature: callers on a hot path
 * (a client) parse once with parsePayerMaxPrivateKey / parsePayerMaxPublicKey and pass the KeyObject.
 */
import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from "node:crypto";
import { ValidationError } from "../core/errors.js";

// Error messages name the expected format and Node's error code, never the input: a key that fails to
// parse is usually a real private key pasted slightly wrong.
function parseFailure(which: "private" | "public", expected: string, error: unknown, key?: string): Error {
  const code =
    error instanceof Error && "code" in error && typeof error.code === "string" ? ` (${error.code})` : "";
  return new Error(
    `PayerMax ${which} key could not be parsed: expected ${expected}${code}${hintFor(which, key)}`,
  );
}

// Two common mistakes, named without quoting the key: a PEM
// kept in an environment variable with its line breaks written as the two characters \n, and the
// other key of the pair in this slot.
function hintFor(which: "private" | "public", key: string | undefined): string {
  if (key === undefined) return "";
  if (key.includes("-----BEGIN") && key.includes("\\n")) {
    return '; it contains the two characters "\\n" where a PEM has line breaks (an environment variable?): replace them with newlines';
  }
  if (which === "private" && key.includes("PUBLIC KEY-----")) {
    return "; got a public key PEM: the private key is the merchant's own";
  }
  return "";
}

// Merchants often hold the key as bare Base64 DER (docs/providers.md, "Signing and keys"), re-wrapped
// by whoever copied it.
function decodeBareBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new Error("not Base64");
  }
  return Buffer.from(compact, "base64");
}

function requireRsa(key: KeyObject, which: "private" | "public"): KeyObject {
  if (key.type !== which || key.asymmetricKeyType !== "rsa") {
    const found = `${key.asymmetricKeyType ?? "symmetric"} ${key.type}`;
    throw new Error(`PayerMax ${which} key must be an RSA ${which} key, got a ${found} key`);
  }
  return key;
}

/** Parses the merchant's RSA private key from PKCS#8 PEM, PKCS#1 PEM or bare Base64 PKCS#8 DER. */
export function parsePayerMaxPrivateKey(key: string | KeyObject): KeyObject {
  if (key instanceof KeyObject) {
    return requireRsa(key, "private");
  }
  const expected = 'PEM ("BEGIN PRIVATE KEY" or "BEGIN RSA PRIVATE KEY") or bare Base64 PKCS#8 DER';
  if (typeof key !== "string") {
    throw parseFailure("private", expected, undefined);
  }
  let parsed: KeyObject;
  try {
    parsed = key.includes("-----BEGIN")
      ? createPrivateKey({ key, format: "pem" })
      : createPrivateKey({ key: decodeBareBase64(key), format: "der", type: "pkcs8" });
  } catch (error) {
    throw parseFailure("private", expected, error, key);
  }
  return requireRsa(parsed, "private");
}

/** Parses PayerMax's RSA public key from SPKI PEM or bare Base64 SPKI DER; refuses private keys. */
export function parsePayerMaxPublicKey(key: string | KeyObject): KeyObject {
  if (key instanceof KeyObject) {
    return requireRsa(key, "public");
  }
  // createPublicKey would quietly derive a public key from a private one; a private key in this slot
  // is a misconfiguration (and a secret in the wrong place), so say so instead.
  const expected = 'PEM ("BEGIN PUBLIC KEY") or bare Base64 SPKI DER';
  if (typeof key !== "string") {
    throw parseFailure("public", expected, undefined);
  }
  if (key.includes("PRIVATE KEY-----")) {
    throw new Error("PayerMax public key must be PayerMax's RSA public key, got a private key PEM");
  }
  let parsed: KeyObject;
  try {
    parsed = key.includes("-----BEGIN")
      ? createPublicKey({ key, format: "pem" })
      : createPublicKey({ key: decodeBareBase64(key), format: "der", type: "spki" });
  } catch (error) {
    throw parseFailure("public", expected, error, key);
  }
  return requireRsa(parsed, "public");
}

// The runtime's crypto failed with a key that parsed: named by the error's name and code, never its
// message, which may quote input.
function cryptoFailure(field: "privateKey" | "publicKey", action: "sign" | "verify", error: unknown) {
  const code =
    error instanceof Error && "code" in error && typeof error.code === "string" ? ` ${error.code}` : "";
  const name = error instanceof Error ? error.name : typeof error;
  return new ValidationError({
    provider: "payermax",
    field,
    rule: "rsa-sha256",
    reason: `this runtime's node:crypto could not ${action} with the key (${name}${code})`,
    cause: error,
  });
}

// Signing and verifying take a key that was parsed here or by the client; a key that does not parse
// becomes the same typed error whichever of the two met it.
function usableKey(field: "privateKey" | "publicKey", parse: () => KeyObject): KeyObject {
  try {
    return parse();
  } catch (error) {
    const reason = error instanceof Error ? error.message : "could not be parsed";
    throw new ValidationError({ provider: "payermax", field, rule: "key", reason, cause: error });
  }
}

/**
 * Computes the `sign` header: padded standard Base64 (344 characters for RSA-2048) over the body's
 * UTF-8 bytes. RSASSA-PKCS1-v1_5 is node:crypto's default padding for an RSA key, so the KeyObject is
 * passed as it is: workerd's node:crypto rejects the `{ key, padding }` form that Node, Bun and Deno
 * also accept.
 *
 * Throws ValidationError (provider "payermax") for a body that is not a string (field "body"), a key
 * that does not parse (field "privateKey", rule "key"), or a runtime whose crypto cannot sign with it
 * (field "privateKey", rule "rsa-sha256", the runtime's error as `cause`).
 */
export function signPayerMax(body: string, privateKey: string | KeyObject): string {
  if (typeof body !== "string") {
    throw new ValidationError({
      provider: "payermax",
      field: "body",
      rule: "string",
      reason: "must be a string",
    });
  }
  const key = usableKey("privateKey", () => parsePayerMaxPrivateKey(privateKey));
  try {
    return sign("sha256", Buffer.from(body, "utf8"), key).toString("base64");
  } catch (error) {
    throw cryptoFailure("privateKey", "sign", error);
  }
}

// Buffer.from(…, "base64") skips characters it does not understand and ignores unused bits, so many
// different strings decode to the same bytes. Only the one canonical spelling counts as the signature.
function decodeCanonicalBase64(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0) {
    return undefined;
  }
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

/**
 * Checks a `sign` header over the raw body text as received; false, never a throw, for any bad or
 * missing signature. Throws ValidationError (provider "payermax", field "publicKey") when the check
 * cannot run at all: the key does not parse (rule "key"), or this runtime's crypto cannot verify with
 * it (rule "rsa-sha256", the runtime's error as `cause`). That is configuration, not traffic, and a
 * check that did not run must not read as "forged".
 */
export function verifyPayerMaxSignature(
  body: string,
  signature: string,
  publicKey: string | KeyObject,
): boolean {
  const key = usableKey("publicKey", () => parsePayerMaxPublicKey(publicKey));
  // Header values reach us from untyped JS and HTTP layers; a missing header must be a "no", not a crash.
  if (typeof body !== "string" || typeof signature !== "string") {
    return false;
  }
  const signatureBytes = decodeCanonicalBase64(signature);
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (signatureBytes === undefined || signatureBytes.length !== modulusBytes) {
    return false;
  }
  // Node, Bun, Deno and workerd all answer false, without throwing, for a signature of the right
  // length that is wrong, zero, or larger than the modulus (test/runtimes checks each), so a throw here
  // means the runtime could not run the check.
  try {
    return verify("sha256", Buffer.from(body, "utf8"), key, signatureBytes);
  } catch (error) {
    throw cryptoFailure("publicKey", "verify", error);
  }
}
