// Fresh test credentials for one reliability test file, and the secret material they contain, so the
// leak scanner (./leaks.ts) knows exactly what must never be printed. TEST MATERIAL ONLY: generated at
// random on every run, never real.

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import type { SandboxCredentials, SandboxCredentialsInput } from "../../../src/sandbox/index.js";

/** Credentials to pass to startSandbox, and every secret string they contain. */
export interface ReliabilityCredentials {
  /** For `startSandbox({ credentials })`. */
  readonly input: Required<SandboxCredentialsInput>;
  /** What a client is given: the same as a sandbox started with `input` hands out. */
  readonly clients: SandboxCredentials;
  /** The merchant's RSA public key (SPKI PEM), to verify what a client signed. */
  readonly merchantPublicKey: string;
  /** The platform's RSA public key (SPKI PEM), handed to PayerMax clients. */
  readonly platformPublicKey: string;
  /** The platform's private key (PKCS#8 PEM), to sign answers in tests that play PayerMax. */
  readonly platformPrivateKey: string;
  /** Secrets and keys in every form a careless program might print them. */
  readonly secretMaterial: readonly string[];
  /**
   * The public halves in the same forms. A private key's encodings contain its public modulus, so a
   * window that also occurs here is public and printing it is no leak.
   */
  readonly publicMaterial: readonly string[];
}

function rsaPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

/** PEM armor is the same for every key: naming it (as a parse error does) reveals nothing. */
const PEM_ARMOR = [
  "-----BEGIN PRIVATE KEY-----",
  "-----END PRIVATE KEY-----",
  "-----BEGIN RSA PRIVATE KEY-----",
  "-----END RSA PRIVATE KEY-----",
];

/** Every printable form of a public key: PEM, bare Base64 DER, hex DER (plain and as inspect shows it), PKCS#1, JWK modulus. */
function publicKeyForms(privatePem: string): string[] {
  const key = createPublicKey(privatePem);
  const der = key.export({ type: "spki", format: "der" });
  const pkcs1 = key.export({ type: "pkcs1", format: "pem" }).toString();
  const jwk = key.export({ format: "jwk" });
  return [
    key.export({ type: "spki", format: "pem" }).toString(),
    der.toString("base64"),
    der.toString("hex"),
    (der.toString("hex").match(/../g) ?? []).join(" "),
    pkcs1,
    pkcs1.replace(/-----[^-]+-----|\s/g, ""),
    jwk.n ?? "",
    // The modulus as it sits inside the private encodings, whatever its Base64 alignment there.
    ...[0, 1, 2].map((shift) => Buffer.concat([Buffer.alloc(shift), der]).toString("base64")),
  ];
}

/** Every printable form of a private key: PEM, bare Base64 DER, hex DER, PKCS#1 PEM, and its JWK parts. */
function keyForms(pem: string): string[] {
  const key = createPrivateKey(pem);
  const der = key.export({ type: "pkcs8", format: "der" });
  const pkcs1 = key.export({ type: "pkcs1", format: "pem" }).toString();
  const jwk = key.export({ format: "jwk" });
  const jwkParts = [jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].filter(
    (part): part is string => typeof part === "string",
  );
  return [
    pem,
    der.toString("base64"),
    der.toString("hex"),
    // How util.inspect shows a Buffer: hex bytes separated by spaces.
    (der.toString("hex").match(/../g) ?? []).join(" "),
    pkcs1,
    pkcs1.replace(/-----[^-]+-----|\s/g, ""),
    ...jwkParts,
  ];
}

/** Generates random secrets and two RSA-2048 pairs (merchant and platform apart, as in production). */
export function reliabilityCredentials(): ReliabilityCredentials {
  const gatepaySecret = `gp-${randomBytes(30).toString("base64url")}`;
  const daxpaySecret = `dx-${randomBytes(30).toString("base64url")}`;
  const merchant = rsaPair();
  const platform = rsaPair();
  const gatepay = {
    clientId: `client-${randomBytes(6).toString("hex")}`,
    secret: gatepaySecret,
    merchantId: 70_001,
  };
  const appId = `app${randomBytes(8).toString("hex")}`;
  const merchantNo = "REL00001";
  return {
    input: {
      gatepay,
      daxpay: { secret: daxpaySecret },
      payermax: {
        appId,
        merchantNo,
        privateKey: merchant.privateKey,
        platformPrivateKey: platform.privateKey,
      },
    },
    clients: {
      gatepay,
      daxpay: { secret: daxpaySecret, signType: "HMAC_SHA256" },
      payermax: { appId, merchantNo, privateKey: merchant.privateKey, platformPublicKey: platform.publicKey },
      payermaxBase64: {
        privateKey: createPrivateKey(merchant.privateKey)
          .export({ type: "pkcs8", format: "der" })
          .toString("base64"),
        platformPublicKey: createPublicKey(platform.publicKey)
          .export({ type: "spki", format: "der" })
          .toString("base64"),
      },
    },
    merchantPublicKey: merchant.publicKey,
    platformPublicKey: platform.publicKey,
    platformPrivateKey: platform.privateKey,
    secretMaterial: [
      gatepaySecret,
      daxpaySecret,
      ...keyForms(merchant.privateKey),
      ...keyForms(platform.privateKey),
    ],
    publicMaterial: [
      ...PEM_ARMOR,
      ...publicKeyForms(merchant.privateKey),
      ...publicKeyForms(platform.privateKey),
    ],
  };
}
