// The leak scanner itself, and the secrets every client holds. The other reliability files scan every
// error, hook event, console line and client they produce; this one proves the scanner would notice a
// leak (each form of each secret), raises no false alarm on public material, and checks clients built
// from every accepted key form.

import { createPrivateKey, createPublicKey } from "node:crypto";
import { inspect } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { createPayerMaxClient } from "../../src/payermax/index.js";
import { createClients } from "./support/clients.js";
import { reliabilityCredentials } from "./support/credentials.js";
import { writeFigures } from "./support/figures.js";
import { LEAK_WINDOW, LeakWatch } from "./support/leaks.js";

const startedAt = performance.now();
const credentials = reliabilityCredentials();
const merchantKey = credentials.input.payermax.privateKey;
const der = createPrivateKey(merchantKey).export({ type: "pkcs8", format: "der" });
const bareBase64 = der.toString("base64");

afterAll(() => {
  writeFigures("secrets", { secretForms: credentials.secretMaterial.length }, startedAt);
});

describe("the leak scanner", () => {
  const leaks = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);

  it("flags any 16-character piece of a secret, wherever it sits in a text", () => {
    for (const secret of [credentials.input.gatepay.secret, credentials.input.daxpay.secret, bareBase64]) {
      for (const at of [0, 7, secret.length - LEAK_WINDOW]) {
        expect(leaks.leaks(`prefix ${secret.slice(at, at + LEAK_WINDOW)} suffix`)).toBe(true);
      }
      expect(leaks.leaks(secret.slice(0, LEAK_WINDOW - 1))).toBe(false);
    }
  });

  it("flags exactly what a plain window-by-window search finds, for 1,000 texts with and without a planted piece", () => {
    const material = credentials.secretMaterial;
    const windows = (texts: readonly string[]) =>
      new Set(
        texts.flatMap((text) =>
          Array.from({ length: text.length - LEAK_WINDOW + 1 }, (_, at) => text.slice(at, at + LEAK_WINDOW)),
        ),
      );
    const publicWindows = windows(credentials.publicMaterial);
    const secretWindows = new Set([...windows(material)].filter((window) => !publicWindows.has(window)));
    const plain = (text: string) => {
      for (let at = 0; at + LEAK_WINDOW <= text.length; at++) {
        if (secretWindows.has(text.slice(at, at + LEAK_WINDOW))) return true;
      }
      return false;
    };
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 80 }),
        fc.string({ unit: "binary", maxLength: 80 }),
        fc.option(fc.tuple(fc.nat({ max: material.length - 1 }), fc.nat()), { nil: undefined }),
        (before, after, planted) => {
          const secret = planted === undefined ? "" : (material[planted[0]] ?? "");
          const at = planted === undefined ? 0 : planted[1] % Math.max(1, secret.length - LEAK_WINDOW);
          const piece = secret.slice(at, at + LEAK_WINDOW);
          const text = `${before}${piece}${after}`;
          expect(leaks.leaks(text)).toBe(plain(text));
          if (piece.length === LEAK_WINDOW && leaks.leaks(piece)) expect(leaks.leaks(text)).toBe(true);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("finds a key in every form: PEM line, bare Base64 DER, an inspected Buffer, PKCS#1 and JWK parts", () => {
    // Probes sit past the modulus (the first ~300 bytes), which the public key shares and may be shown.
    const pemLine = merchantKey.split("\n")[15] ?? "";
    const jwk = createPrivateKey(merchantKey).export({ format: "jwk" });
    const pkcs1 = createPrivateKey(merchantKey).export({ type: "pkcs1", format: "pem" }).toString();
    const found = (value: unknown) => {
      const watch = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);
      watch.check("probe", value);
      return watch.findings().length > 0;
    };
    expect(found(new Error(`bad key ${pemLine}`))).toBe(true);
    expect(found({ nested: { deeper: [bareBase64.slice(900, 940)] } })).toBe(true);
    expect(found(der.subarray(700, 740))).toBe(true);
    expect(found({ d: jwk.d?.slice(50, 80) })).toBe(true);
    expect(found(pkcs1.split("\n")[15])).toBe(true);
    expect(found(Object.assign(new Error("x"), { cause: new Error(credentials.input.daxpay.secret) }))).toBe(
      true,
    );
  });

  it("catches a secret written to the console", () => {
    const watch = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);
    const stop = watch.watchConsole(false);
    try {
      console.warn("signing with", credentials.input.gatepay.secret.slice(2, 30));
    } finally {
      stop();
    }
    expect(watch.consoleLines).toBe(1);
    expect(watch.findings()[0]).toBe("console.warn (view 0)");
  });

  it("raises no alarm on public material: public keys, client ids, signatures", () => {
    const watch = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);
    watch.check("public keys", [credentials.merchantPublicKey, credentials.platformPublicKey]);
    watch.check(
      "public DER",
      createPublicKey(merchantKey).export({ type: "spki", format: "der" }).toString("base64"),
    );
    watch.check("client ids", credentials.clients.gatepay.clientId);
    expect(watch.findings()).toStrictEqual([]);
  });
});

describe("clients hold their secrets out of sight", () => {
  const leaks = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);

  it("no client shows a secret in JSON.stringify, util.inspect or String, whatever form its key came in", () => {
    const base = credentials.clients.payermax;
    const forms = [
      base.privateKey,
      bareBase64,
      bareBase64.replace(/(.{64})/g, "$1\n"),
      createPrivateKey(base.privateKey),
    ];
    for (const privateKey of forms) {
      const client = createPayerMaxClient({ ...base, privateKey, baseUrl: "http://127.0.0.1:9" });
      leaks.check("payermax client", client);
      expect(inspect(client, { showHidden: true, depth: null })).not.toContain("PRIVATE KEY");
    }
    for (const client of Object.values(createClients("http://127.0.0.1:9", credentials.clients))) {
      leaks.check(`${client.provider} client`, client);
      expect(`${String(client)} ${JSON.stringify(client)}`).not.toContain(credentials.input.gatepay.secret);
    }
    expect(leaks.findings()).toStrictEqual([]);
  });

  it("a key that does not parse, or sits in the wrong option, is a ValidationError that quotes none of it", () => {
    const base = credentials.clients.payermax;
    const mistakes = [
      { ...base, privateKey: base.privateKey.replace(/[A-Z]{4}/, "????") },
      { ...base, privateKey: bareBase64.slice(0, -8) },
      { ...base, platformPublicKey: base.privateKey },
      { ...base, appId: base.privateKey, privateKey: "not a key" },
    ];
    for (const options of mistakes) {
      let thrown: unknown;
      try {
        createPayerMaxClient({ ...options, baseUrl: "http://127.0.0.1:9" });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      leaks.check("payermax misconfiguration", thrown);
    }
    expect(leaks.findings()).toStrictEqual([]);
  });
});
