// The sandbox's credentials: what a client needs (handed out as `credentials`) and the key halves only
// the provider side holds (the merchant's public key to verify requests, PayerMax's platform private key
// to sign answers). Generated fresh at every start unless fixed ones are passed in; either way they are
// test material and never real. Nothing here is ever logged.

import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, randomInt } from "node:crypto";
import type { DaxPaySignType } from "../daxpay/sign.js";
import { parsePayerMaxPrivateKey } from "../payermax/sign.js";
import { expectObject, fieldPath, optionalString, rejectUnknownKeys, SandboxInputError } from "./input.js";

/** GatePay credentials, shaped for `createGatePayClient({ ...credentials.gatepay, baseUrl })`. */
export interface SandboxGatePayCredentials {
  /** Sent as `X-GatePay-Certificate-ClientId`. */
  readonly clientId: string;
  /** The Payment API secret that keys the HMAC. */
  readonly secret: string;
  /** Sent as `X-GatePay-MerchantId` on the OTC paths (int64; a safe integer here). */
  readonly merchantId: number;
}

/** DaxPay credentials, shaped for `createDaxPayClient({ ...credentials.daxpay, baseUrl })`. */
export interface SandboxDaxPayCredentials {
  /** The platform's sign secret. */
  readonly secret: string;
  /** The digest this sandbox's platform is configured for (option `daxpaySignType`). */
  readonly signType: DaxPaySignType;
}

/** PayerMax credentials, shaped for `createPayerMaxClient({ ...credentials.payermax, baseUrl })`. */
export interface SandboxPayerMaxCredentials {
  readonly appId: string;
  readonly merchantNo: string;
  /** The merchant's RSA-2048 private key (PKCS#8 PEM when generated). */
  readonly privateKey: string;
  /** The sandbox's platform public key (SPKI PEM), which verifies every PayerMax answer. */
  readonly platformPublicKey: string;
}

/**
 * The same PayerMax keys as bare Base64 DER, without PEM armour: the form PayerMax's own SDKs take
 * (Java and PHP read Base64 PKCS#8 / SPKI; Go wraps the text in PEM lines itself).
 */
export interface SandboxPayerMaxBase64Keys {
  /** The merchant's private key, PKCS#8 DER in standard Base64. */
  readonly privateKey: string;
  /** The platform's public key, SPKI DER in standard Base64. */
  readonly platformPublicKey: string;
}

/** Everything a client needs to talk to this sandbox. */
export interface SandboxCredentials {
  readonly gatepay: SandboxGatePayCredentials;
  readonly daxpay: SandboxDaxPayCredentials;
  readonly payermax: SandboxPayerMaxCredentials;
  /** `payermax`'s keys in the bare Base64 form; not client options, so kept apart from `payermax`. */
  readonly payermaxBase64: SandboxPayerMaxBase64Keys;
}

/**
 * Fixed credentials for reproducible runs (contract verification, or tests that reuse one RSA key pair
 * across many sandboxes). Test material only: never pass real credentials. Each provider is optional;
 * the ones left out are generated.
 */
export interface SandboxCredentialsInput {
  readonly gatepay?: SandboxGatePayCredentials;
  readonly daxpay?: { readonly secret: string };
  readonly payermax?: {
    readonly appId: string;
    readonly merchantNo: string;
    /** The merchant's RSA private key (PEM or bare Base64 PKCS#8); its public half verifies requests. */
    readonly privateKey: string;
    /** The platform's RSA private key (PEM or bare Base64 PKCS#8); signs answers. */
    readonly platformPrivateKey: string;
  };
}

/** The credentials plus the halves only the provider side holds, parsed once. */
export interface SandboxKeys {
  readonly credentials: SandboxCredentials;
  /** Verifies PayerMax request signatures. */
  readonly payermaxMerchantPublicKey: KeyObject;
  /** Signs PayerMax answers. */
  readonly payermaxPlatformPrivateKey: KeyObject;
}

// Secrets carry a visible prefix so that one found in a log or a config file is recognisably sandbox
// material, not a leaked production secret.
function sandboxSecret(): string {
  return `sandbox-${randomBytes(24).toString("base64url")}`;
}

function digits(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    out += String(randomInt(10));
  }
  return out;
}

function generateRsaPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

function requiredString(value: Record<string, unknown>, key: string, prefix: string): string {
  const read = optionalString(value, key, prefix);
  if (read === undefined) {
    throw new SandboxInputError(fieldPath(prefix, key), "is required");
  }
  return read;
}

function parsePrivate(value: string, field: string): KeyObject {
  try {
    return parsePayerMaxPrivateKey(value);
  } catch (error) {
    // parsePayerMaxPrivateKey's messages name the expected format, never the key.
    throw new SandboxInputError(field, `is not a usable RSA private key: ${(error as Error).message}`);
  }
}

function resolveGatePay(input: unknown): SandboxGatePayCredentials {
  if (input === undefined) {
    return {
      clientId: `sandbox-${randomBytes(16).toString("hex")}`,
      secret: sandboxSecret(),
      merchantId: randomInt(10_000_000, 100_000_000),
    };
  }
  const prefix = "credentials.gatepay";
  const value = expectObject(input, prefix);
  rejectUnknownKeys(value, ["clientId", "secret", "merchantId"], prefix);
  const merchantId = value.merchantId;
  if (typeof merchantId !== "number" || !Number.isSafeInteger(merchantId) || merchantId <= 0) {
    throw new SandboxInputError(`${prefix}.merchantId`, "must be a positive safe integer");
  }
  return {
    clientId: requiredString(value, "clientId", prefix),
    secret: requiredString(value, "secret", prefix),
    merchantId,
  };
}

function resolveDaxPay(input: unknown, signType: DaxPaySignType): SandboxDaxPayCredentials {
  if (input === undefined) {
    return { secret: sandboxSecret(), signType };
  }
  const prefix = "credentials.daxpay";
  const value = expectObject(input, prefix);
  rejectUnknownKeys(value, ["secret"], prefix);
  return { secret: requiredString(value, "secret", prefix), signType };
}

interface ResolvedPayerMax {
  readonly credentials: SandboxPayerMaxCredentials;
  readonly payermaxMerchantPublicKey: KeyObject;
  readonly payermaxPlatformPrivateKey: KeyObject;
}

function resolvePayerMax(input: unknown): ResolvedPayerMax {
  if (input === undefined) {
    const merchant = generateRsaPair();
    const platform = generateRsaPair();
    return {
      credentials: {
        appId: randomBytes(16).toString("hex"),
        merchantNo: `SANDBOX${digits(8)}`,
        privateKey: merchant.privateKey,
        platformPublicKey: platform.publicKey,
      },
      payermaxMerchantPublicKey: createPublicKey(merchant.publicKey),
      payermaxPlatformPrivateKey: parsePayerMaxPrivateKey(platform.privateKey),
    };
  }
  const prefix = "credentials.payermax";
  const value = expectObject(input, prefix);
  rejectUnknownKeys(value, ["appId", "merchantNo", "privateKey", "platformPrivateKey"], prefix);
  const appId = requiredString(value, "appId", prefix);
  const merchantNo = optionalString(value, "merchantNo", prefix, { maxLength: 32 });
  if (merchantNo === undefined) {
    throw new SandboxInputError(`${prefix}.merchantNo`, "is required");
  }
  const privateKey = requiredString(value, "privateKey", prefix);
  const merchantPrivate = parsePrivate(privateKey, `${prefix}.privateKey`);
  const platformPrivate = parsePrivate(
    requiredString(value, "platformPrivateKey", prefix),
    `${prefix}.platformPrivateKey`,
  );
  return {
    credentials: {
      appId,
      merchantNo,
      privateKey,
      platformPublicKey: createPublicKey(platformPrivate).export({ type: "spki", format: "pem" }).toString(),
    },
    payermaxMerchantPublicKey: createPublicKey(merchantPrivate),
    payermaxPlatformPrivateKey: platformPrivate,
  };
}

/** Resolves fixed credentials or generates fresh ones (random secrets, two RSA-2048 key pairs). */
export function resolveSandboxKeys(
  input: SandboxCredentialsInput | undefined,
  daxpaySignType: DaxPaySignType,
): SandboxKeys {
  const value = expectObject(input, "credentials", true);
  rejectUnknownKeys(value, ["gatepay", "daxpay", "payermax"], "credentials");
  const gatepay = resolveGatePay(value.gatepay);
  const daxpay = resolveDaxPay(value.daxpay, daxpaySignType);
  // Last, so that a bad GatePay or DaxPay field fails before RSA keys are generated (~0.2 s).
  const payermax = resolvePayerMax(value.payermax);
  const payermaxBase64: SandboxPayerMaxBase64Keys = {
    privateKey: parsePayerMaxPrivateKey(payermax.credentials.privateKey)
      .export({ type: "pkcs8", format: "der" })
      .toString("base64"),
    platformPublicKey: createPublicKey(payermax.payermaxPlatformPrivateKey)
      .export({ type: "spki", format: "der" })
      .toString("base64"),
  };
  return {
    credentials: { gatepay, daxpay, payermax: payermax.credentials, payermaxBase64 },
    payermaxMerchantPublicKey: payermax.payermaxMerchantPublicKey,
    payermaxPlatformPrivateKey: payermax.payermaxPlatformPrivateKey,
  };
}
