import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import {
  parsePayerMaxPrivateKey,
  parsePayerMaxPublicKey,
  signPayerMax,
  verifyPayerMaxSignature,
} from "./sign.js";
import {
  OTHER_TEST_PUBLIC_KEY_PEM,
  TEST_PRIVATE_KEY_BASE64,
  TEST_PRIVATE_KEY_PEM,
  TEST_PRIVATE_KEY_PKCS1_PEM,
  TEST_PUBLIC_KEY_BASE64,
  TEST_PUBLIC_KEY_PEM,
} from "./test-keys.js";

// Expected signatures were computed with openssl, not with this code:
//   printf '%s' "$body" | openssl dgst -sha256 -sign key.pem | base64 -w0
// where key.pem holds TEST_PRIVATE_KEY_PEM.
const requestBody =
  '{"version":"1.5","keyVersion":"1","requestTime":"2024-11-06T11:56:13.000+08:00",' +
  '"appId":"test-app-id","merchantNo":"SDP01010114048086",' +
  '"data":{"requestId":"R20241106001","outTradeNo":"P20241106001"}}';
const requestSign =
  "J/Y9NeypbGfyJxu3IZ+nybZwjr3LEB3Hva9HohRLdM2gnvQs0hGqLtxteg25A44hlGV7XyyRH8UXBreqmALqNn" +
  "ZMZnQrjMS7dMYdXlhchuCdQ7ohSidnP0a37aocT7EDWTsLQSA6fjMNiheksULbsfQDJW6zk8yuSynUm0GvxLYw" +
  "J3yNOSOC0c6j0y0nk60az30S7/hTXI7YPZfnJh73LT55akxpmf6p1cGihMU86AkHh0PXfbZh2VRWHkZmB6q9hK" +
  "p8SzSqo/fLNBe6EnJHotHVBiHM9LQG/ZKCTYqslwV2AyGc5z5Iw0PUGwfQXLgHhVxcOQKzDpkGMeNlR8W6/g==";

const chineseResponseBody = '{"code":"APPLY_SUCCESS","msg":"成功","data":{"status":"SUCCESS"}}';
const chineseResponseSign =
  "fnS4BRq2H83aG7EqnZ+JnYP5oXh11j3yVY30+YASHSKgPuI6rqFz3fCpTaVfMkjQc3OUAJ7QcjrrmVxoUM0HLetSRR" +
  "wbpmzI9LiLiM2EPeImVhQPgzsUXDnmT5dDAFQufByIM8FohzqhVUSe1WUr0tfRF9Si02c6nqGVm8VHDmGQpnUF98S" +
  "C5VTE+T7Axh33/17ZvMeeSqZ3RJRVTuY2BKiuTUbUSxggn0tQkWPiap5EOQks9W31rp7NkwTa5feQaKUrwIdQebXE/" +
  "FT6xItyC/G42ogydaQT7NE15ASaZP4p7AFt3qqOFSTlMzLAJaXxv2fZ5Jn1TXKmdBKvH1YAVg==";

// Bare Base64 the way it looks after being pasted from a PDF or an env file: wrapped and indented.
function wrapped(base64: string): string {
  return `\n  ${base64.match(/.{1,64}/g)?.join("\n  ")}\n`;
}

function pkcs8Der(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "pkcs8" });
}

function spkiDer(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" });
}

// Asserts that parsing throws and that the message carries no recognisable piece of the input.
function expectParseErrorWithoutInput(parse: () => unknown, input: string, message: RegExp): void {
  let thrown: unknown;
  try {
    parse();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(Error);
  const text = (thrown as Error).message;
  expect(text).toMatch(message);
  const material = input.replace(/-----[A-Z ]+-----|\s/g, "");
  for (let start = 0; start + 12 <= material.length; start += 6) {
    expect(text).not.toContain(material.slice(start, start + 12));
  }
}

describe("parsePayerMaxPrivateKey", () => {
  it("parses a PKCS#8 PEM into an RSA-2048 private key", () => {
    const key = parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM);
    expect(key.type).toBe("private");
    expect(key.asymmetricKeyType).toBe("rsa");
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it("parses bare Base64 PKCS#8 DER into the same key as the PEM", () => {
    expect(pkcs8Der(parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_BASE64))).toEqual(
      pkcs8Der(parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM)),
    );
  });

  it("tolerates newlines and spaces inside bare Base64", () => {
    expect(pkcs8Der(parsePayerMaxPrivateKey(wrapped(TEST_PRIVATE_KEY_BASE64)))).toEqual(
      pkcs8Der(parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM)),
    );
  });

  it("tolerates a PKCS#1 'BEGIN RSA PRIVATE KEY' PEM", () => {
    expect(pkcs8Der(parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PKCS1_PEM))).toEqual(
      pkcs8Der(parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM)),
    );
  });

  it("returns an RSA private KeyObject unchanged", () => {
    const key = parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM);
    expect(parsePayerMaxPrivateKey(key)).toBe(key);
  });

  it("rejects a public KeyObject", () => {
    const publicKey = parsePayerMaxPublicKey(TEST_PUBLIC_KEY_PEM);
    expect(() => parsePayerMaxPrivateKey(publicKey)).toThrow(
      "PayerMax private key must be an RSA private key, got a rsa public key",
    );
  });

  it("rejects a private key that is not RSA", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(() => parsePayerMaxPrivateKey(pem)).toThrow(
      "PayerMax private key must be an RSA private key, got a ec private key",
    );
  });

  it.each([
    ["text that is not a key", "this-is-not-a-key-at-all-SECRETMATERIAL"],
    ["an empty string", ""],
    ["Base64 that is not DER", "TWFkZSB1cCBrZXkgbWF0ZXJpYWwgdGhhdCBpcyBub3QgREVS"],
    ["a truncated bare Base64 key", TEST_PRIVATE_KEY_BASE64.slice(0, 400)],
    ["a truncated PEM", TEST_PRIVATE_KEY_PEM.slice(0, 500)],
    ["a public key PEM", TEST_PUBLIC_KEY_PEM],
  ])("throws for %s without echoing any of the input", (_label, input) => {
    expectParseErrorWithoutInput(
      () => parsePayerMaxPrivateKey(input),
      input,
      /^PayerMax private key could not be parsed: expected PEM/,
    );
  });

  it("says when a PEM has its line breaks written as \\n, as an environment variable often holds it", () => {
    const flattened = TEST_PRIVATE_KEY_PEM.trim().split("\n").join("\\n");
    expect(() => parsePayerMaxPrivateKey(flattened)).toThrow(
      'it contains the two characters "\\n" where a PEM has line breaks (an environment variable?): replace them with newlines',
    );
    expect(() => parsePayerMaxPublicKey(TEST_PUBLIC_KEY_PEM.trim().split("\n").join("\\n"))).toThrow(
      'the two characters "\\n"',
    );
  });

  it("says when the public key was given as the private key", () => {
    expect(() => parsePayerMaxPrivateKey(TEST_PUBLIC_KEY_PEM)).toThrow(
      "; got a public key PEM: the private key is the merchant's own",
    );
  });
});

describe("parsePayerMaxPublicKey", () => {
  it("parses an SPKI PEM into an RSA public key", () => {
    const key = parsePayerMaxPublicKey(TEST_PUBLIC_KEY_PEM);
    expect(key.type).toBe("public");
    expect(key.asymmetricKeyType).toBe("rsa");
  });

  it("parses bare Base64 SPKI DER, also wrapped, into the same key as the PEM", () => {
    const fromPem = spkiDer(parsePayerMaxPublicKey(TEST_PUBLIC_KEY_PEM));
    expect(spkiDer(parsePayerMaxPublicKey(TEST_PUBLIC_KEY_BASE64))).toEqual(fromPem);
    expect(spkiDer(parsePayerMaxPublicKey(wrapped(TEST_PUBLIC_KEY_BASE64)))).toEqual(fromPem);
  });

  it("returns an RSA public KeyObject unchanged", () => {
    const key = parsePayerMaxPublicKey(TEST_PUBLIC_KEY_PEM);
    expect(parsePayerMaxPublicKey(key)).toBe(key);
  });

  it("refuses a private key PEM instead of deriving its public half, without echoing it", () => {
    expectParseErrorWithoutInput(
      () => parsePayerMaxPublicKey(TEST_PRIVATE_KEY_PEM),
      TEST_PRIVATE_KEY_PEM,
      /^PayerMax public key must be PayerMax's RSA public key, got a private key PEM$/,
    );
  });

  it("refuses a private KeyObject", () => {
    const privateKey = parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM);
    expect(() => parsePayerMaxPublicKey(privateKey)).toThrow(
      "PayerMax public key must be an RSA public key, got a rsa private key",
    );
  });

  it.each([
    ["text that is not a key", "this-is-not-a-key-at-all-SECRETMATERIAL"],
    ["an empty string", ""],
    ["a bare Base64 private key", TEST_PRIVATE_KEY_BASE64],
    ["a truncated bare Base64 key", TEST_PUBLIC_KEY_BASE64.slice(0, 200)],
  ])("throws for %s without echoing any of the input", (_label, input) => {
    expectParseErrorWithoutInput(
      () => parsePayerMaxPublicKey(input),
      input,
      /^PayerMax public key could not be parsed: expected PEM/,
    );
  });
});

describe("signPayerMax", () => {
  it("reproduces the openssl signature of the cancel request body from the doc comment", () => {
    expect(signPayerMax(requestBody, TEST_PRIVATE_KEY_PEM)).toBe(requestSign);
  });

  it("signs a Chinese body over its UTF-8 bytes", () => {
    expect(signPayerMax(chineseResponseBody, TEST_PRIVATE_KEY_PEM)).toBe(chineseResponseSign);
  });

  it("gives identical signatures for PKCS#8 PEM, PKCS#1 PEM, bare Base64 and a parsed KeyObject", () => {
    expect(signPayerMax(requestBody, TEST_PRIVATE_KEY_BASE64)).toBe(requestSign);
    expect(signPayerMax(requestBody, wrapped(TEST_PRIVATE_KEY_BASE64))).toBe(requestSign);
    expect(signPayerMax(requestBody, TEST_PRIVATE_KEY_PKCS1_PEM)).toBe(requestSign);
    expect(signPayerMax(requestBody, parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM))).toBe(requestSign);
  });

  it("returns 344 characters of padded standard Base64 for an RSA-2048 key", () => {
    const signature = signPayerMax("", TEST_PRIVATE_KEY_PEM);
    expect(signature).toHaveLength(344);
    expect(signature).toMatch(/^[A-Za-z0-9+/]{342}==$/);
  });

  it("throws the parse error as a ValidationError on privateKey, not a crypto error, for an unusable key", () => {
    let thrown: unknown;
    try {
      signPayerMax(requestBody, "not-a-key");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ provider: "payermax", field: "privateKey", rule: "key" });
    expect((thrown as Error).message).toMatch(
      /^\[payermax\] privateKey: PayerMax private key could not be parsed: expected PEM/,
    );
  });

  it("throws a ValidationError on body, instead of signing 'undefined', when an untyped caller passes none", () => {
    const missing = undefined as unknown as string;
    expect(() => signPayerMax(missing, TEST_PRIVATE_KEY_PEM)).toThrow(
      new ValidationError({
        provider: "payermax",
        field: "body",
        rule: "string",
        reason: "must be a string",
      }),
    );
  });
});

describe("verifyPayerMaxSignature", () => {
  const publicKey = parsePayerMaxPublicKey(TEST_PUBLIC_KEY_PEM);

  it("accepts the known-answer signature with the public key as PEM, bare Base64 or KeyObject", () => {
    expect(verifyPayerMaxSignature(requestBody, requestSign, TEST_PUBLIC_KEY_PEM)).toBe(true);
    expect(verifyPayerMaxSignature(requestBody, requestSign, TEST_PUBLIC_KEY_BASE64)).toBe(true);
    expect(verifyPayerMaxSignature(requestBody, requestSign, publicKey)).toBe(true);
  });

  it("accepts a signed Chinese response body as received", () => {
    expect(verifyPayerMaxSignature(chineseResponseBody, chineseResponseSign, publicKey)).toBe(true);
  });

  it("rejects the body with one byte changed", () => {
    const tampered = requestBody.replace("P20241106001", "P20241106002");
    expect(verifyPayerMaxSignature(tampered, requestSign, publicKey)).toBe(false);
  });

  it("rejects the same JSON re-serialized with different whitespace, because the raw bytes are signed", () => {
    const reformatted = JSON.stringify(JSON.parse(requestBody), null, 2);
    expect(verifyPayerMaxSignature(reformatted, requestSign, publicKey)).toBe(false);
  });

  it("rejects the signature with one character changed", () => {
    const tampered = `${requestSign[0] === "A" ? "B" : "A"}${requestSign.slice(1)}`;
    expect(verifyPayerMaxSignature(requestBody, tampered, publicKey)).toBe(false);
  });

  it("rejects a non-canonical spelling of the signature that decodes to the same bytes", () => {
    // "g==" and "h==" differ only in bits the decoder throws away.
    const respelled = requestSign.replace(/g==$/, "h==");
    expect(respelled).not.toBe(requestSign);
    expect(Buffer.from(respelled, "base64")).toEqual(Buffer.from(requestSign, "base64"));
    expect(verifyPayerMaxSignature(requestBody, respelled, publicKey)).toBe(false);
  });

  it("rejects the signature with a stray character the lenient decoder would skip", () => {
    expect(
      verifyPayerMaxSignature(requestBody, `${requestSign.slice(0, 4)}!${requestSign.slice(4)}`, publicKey),
    ).toBe(false);
  });

  it("rejects a signature checked against a different public key", () => {
    expect(verifyPayerMaxSignature(requestBody, requestSign, OTHER_TEST_PUBLIC_KEY_PEM)).toBe(false);
  });

  it("rejects garbage that is not Base64", () => {
    expect(verifyPayerMaxSignature(requestBody, "not base64 at all!", publicKey)).toBe(false);
  });

  it("rejects the signature written in URL-safe Base64", () => {
    const urlSafe = requestSign.replace(/\+/g, "-").replace(/\//g, "_");
    expect(verifyPayerMaxSignature(requestBody, urlSafe, publicKey)).toBe(false);
  });

  it("rejects the signature without its padding", () => {
    expect(verifyPayerMaxSignature(requestBody, requestSign.replace(/=+$/, ""), publicKey)).toBe(false);
  });

  it("rejects valid Base64 that is one byte too short for an RSA-2048 signature", () => {
    const short = Buffer.from(requestSign, "base64").subarray(1).toString("base64");
    expect(verifyPayerMaxSignature(requestBody, short, publicKey)).toBe(false);
  });

  it("rejects an empty signature", () => {
    expect(verifyPayerMaxSignature(requestBody, "", publicKey)).toBe(false);
  });

  it("returns false instead of throwing when an untyped caller passes no signature", () => {
    const missing = undefined as unknown as string;
    expect(verifyPayerMaxSignature(requestBody, missing, publicKey)).toBe(false);
  });

  it("throws a ValidationError on publicKey, rather than answering false, when the key itself is unusable", () => {
    let thrown: unknown;
    try {
      verifyPayerMaxSignature(requestBody, requestSign, "not-a-key");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ provider: "payermax", field: "publicKey", rule: "key" });
    expect((thrown as Error).message).toMatch(
      /^\[payermax\] publicKey: PayerMax public key could not be parsed/,
    );
  });

  it.each([
    ["all 0x00", 0x00],
    ["all 0xFF, larger than the modulus", 0xff],
  ])("answers false, without throwing, for a signature of the right length that is %s", (_label, byte) => {
    const signature = Buffer.alloc(256, byte).toString("base64");
    expect(verifyPayerMaxSignature(requestBody, signature, publicKey)).toBe(false);
  });
});
