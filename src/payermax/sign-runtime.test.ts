// signPayerMax and verifyPayerMaxSignature against a node:crypto that behaves like other runtimes'.
// workerd's `sign`/`verify` reject the `{ key: KeyObject, padding }` form with a TypeError (the
// runtime matrix in test/runtimes shows it on the real thing); the mock below does the same, and can
// also fail outright, as a runtime without RSA would. Every such failure must come out typed.

import * as crypto from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError } from "../core/errors.js";
import { signPayerMax, verifyPayerMaxSignature } from "./sign.js";
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "./test-keys.js";

const runtime = vi.hoisted(() => ({ broken: false }));

function runtimeError(): TypeError {
  return Object.assign(new TypeError('The "options.key" property must be of type string (KEY-MATERIAL)'), {
    code: "ERR_INVALID_ARG_TYPE",
  });
}

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  // Like workerd: a KeyObject (or key text) is accepted, an object wrapping one is not.
  const acceptsKey = (key: unknown) => key instanceof actual.KeyObject || typeof key === "string";
  return {
    ...actual,
    sign: (...args: Parameters<typeof actual.sign>) => {
      if (runtime.broken || !acceptsKey(args[2])) throw runtimeError();
      return actual.sign(...args);
    },
    verify: (...args: Parameters<typeof actual.verify>) => {
      if (runtime.broken || !acceptsKey(args[2])) throw runtimeError();
      return actual.verify(...args);
    },
  };
});

const body = '{"code":"APPLY_SUCCESS","msg":"Success.","data":{"status":"SUCCESS"}}';
// Made with the real node:crypto, outside the mock, so it is independent of the code under test.
const expectedSign = crypto.createSign("sha256").update(body, "utf8").sign(TEST_PRIVATE_KEY_PEM, "base64");

afterEach(() => {
  runtime.broken = false;
});

describe("on a node:crypto that only takes the KeyObject itself, as workerd's does", () => {
  it("signs with the same signature as openssl's PKCS#1 v1.5", () => {
    expect(signPayerMax(body, TEST_PRIVATE_KEY_PEM)).toBe(expectedSign);
  });

  it("verifies that signature, and answers false for another body", () => {
    expect(verifyPayerMaxSignature(body, expectedSign, TEST_PUBLIC_KEY_PEM)).toBe(true);
    expect(verifyPayerMaxSignature(`${body} `, expectedSign, TEST_PUBLIC_KEY_PEM)).toBe(false);
  });
});

describe("on a node:crypto that cannot sign or verify at all", () => {
  it("signing throws a ValidationError on privateKey carrying the runtime's error, never a raw TypeError", () => {
    runtime.broken = true;
    expect(() => signPayerMax(body, TEST_PRIVATE_KEY_PEM)).toThrow(ValidationError);
    expect(() => signPayerMax(body, TEST_PRIVATE_KEY_PEM)).toThrow(
      expect.objectContaining({
        provider: "payermax",
        field: "privateKey",
        rule: "rsa-sha256",
        message:
          "[payermax] privateKey: this runtime's node:crypto could not sign with the key " +
          "(TypeError ERR_INVALID_ARG_TYPE)",
        cause: expect.any(TypeError),
      }),
    );
  });

  it("verifying throws a ValidationError on publicKey instead of answering false", () => {
    runtime.broken = true;
    expect(() => verifyPayerMaxSignature(body, expectedSign, TEST_PUBLIC_KEY_PEM)).toThrow(ValidationError);
    expect(() => verifyPayerMaxSignature(body, expectedSign, TEST_PUBLIC_KEY_PEM)).toThrow(
      expect.objectContaining({
        provider: "payermax",
        field: "publicKey",
        rule: "rsa-sha256",
        message:
          "[payermax] publicKey: this runtime's node:crypto could not verify with the key " +
          "(TypeError ERR_INVALID_ARG_TYPE)",
      }),
    );
  });

  it("keeps the runtime's own message, which may quote input, out of the error's message and JSON", () => {
    runtime.broken = true;
    let thrown: unknown;
    try {
      signPayerMax(body, TEST_PRIVATE_KEY_PEM);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).not.toContain("KEY-MATERIAL");
    expect(JSON.stringify(thrown)).not.toContain("KEY-MATERIAL");
  });
});
