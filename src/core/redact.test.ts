import { generateKeyPairSync } from "node:crypto";
import { format, inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { REDACTED, Secret } from "./redact.js";

const VALUE = "gatepay-api-secret-0123456789";

/** A client-like object holding its secret the way the clients will. */
function fakeClient() {
  return { clientId: "client-1", secret: new Secret(VALUE), nested: { key: new Secret(VALUE) } };
}

describe("Secret", () => {
  it("gives the value back only through reveal()", () => {
    expect(new Secret(VALUE).reveal()).toBe(VALUE);
  });

  it("never appears in JSON.stringify", () => {
    expect(JSON.stringify(fakeClient())).toBe(
      '{"clientId":"client-1","secret":"[redacted]","nested":{"key":"[redacted]"}}',
    );
  });

  it("never appears in util.inspect, even with showHidden and full depth", () => {
    const printed = inspect(fakeClient(), {
      showHidden: true,
      depth: Number.POSITIVE_INFINITY,
      getters: true,
    });
    expect(printed).not.toContain(VALUE);
    expect(printed).toContain(REDACTED);
    expect(format("%o %O %s %j", fakeClient(), fakeClient(), new Secret(VALUE), fakeClient())).not.toContain(
      VALUE,
    );
  });

  it("never appears when coerced to a string", () => {
    const secret = new Secret(VALUE);
    expect(String(secret)).toBe(REDACTED);
    expect(`${secret}`).toBe(REDACTED);
    // biome-ignore lint/style/useTemplate: the + operator (Symbol.toPrimitive, hint "default") is what is tested
    expect(secret + "").toBe(REDACTED);
    expect([secret].join(",")).toBe(REDACTED);
  });

  it("exposes no enumerable or own-named property holding the value", () => {
    const secret = new Secret(VALUE);
    expect(Object.keys(secret)).toStrictEqual([]);
    expect(Object.getOwnPropertyNames(secret)).toStrictEqual([]);
    expect({ ...secret }).toStrictEqual({});
    expect(structuredClone(secret)).toStrictEqual({});
  });

  it("never appears in an error message or stack built from it", () => {
    const error = new Error(`bad secret ${new Secret(VALUE)}`);
    expect(error.message).toBe("bad secret [redacted]");
    expect(error.stack).not.toContain(VALUE);
  });

  it("hides a private KeyObject too", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const holder = { privateKey: new Secret(privateKey) };
    expect(JSON.stringify(holder)).toBe('{"privateKey":"[redacted]"}');
    expect(inspect(holder, { showHidden: true, depth: 10 })).not.toContain(pem.split("\n")[1]);
    expect(holder.privateKey.reveal()).toBe(privateKey);
  });
});
