// The words and code of the landing page (site/index.html), in one module: landing.ts renders the
// page from it and extract-samples.ts type-checks every TypeScript snippet in it, so a snippet on
// the page cannot drift from the package's API.
import type { ApiName } from "../lib/apis.js";

/** A code block on the landing page; `typescript` ones are type-checked by `npm run check:samples`. */
export interface Snippet {
  /** Stable name, used for the extracted file (`landing.<id>.ts`). */
  id: string;
  lang: "typescript" | "shell";
  code: string;
}

/** One provider as the landing page introduces it. */
export interface ProviderGuide {
  name: string;
  /** The APIs (redocly.yaml names) whose operations this provider's client calls. */
  apis: ApiName[];
  /** The client factory exported by payclients. */
  factory: string;
  /** The signing rule in one sentence (HTML allowed: the page renders it as is). */
  signing: string;
  /** Creating the client from environment variables and calling it. */
  usage: Snippet;
}

/** How to install the package. */
export const INSTALL: Snippet = {
  id: "install",
  lang: "shell",
  code: "npm install payclients",
};

/** The three providers, in the order the page lists them. */
export const PROVIDERS: ProviderGuide[] = [
  {
    name: "GatePay",
    apis: ["gatepay-payments", "gatepay-otc"],
    factory: "createGatePayClient",
    signing:
      "Every request carries <code>X-GatePay-Signature</code>, the lowercase hex HMAC-SHA512 of " +
      '<code>timestamp + "\\n" + nonce + "\\n" + body + "\\n"</code> keyed with your Payment API ' +
      "secret, next to the <code>X-GatePay-Timestamp</code> (epoch ms), <code>X-GatePay-Nonce</code> and " +
      "<code>X-GatePay-Certificate-ClientId</code> headers.",
    usage: {
      id: "gatepay",
      lang: "typescript",
      code: `import { createGatePayClient } from "payclients";

const clientId = process.env.GATEPAY_CLIENT_ID;
const secret = process.env.GATEPAY_SECRET; // your Payment API secret
const merchantId = process.env.GATEPAY_MERCHANT_ID; // needed by OTC calls
if (!clientId || !secret || !merchantId) {
  throw new Error("Set the GATEPAY_* environment variables");
}

const gatepay = createGatePayClient({ clientId, secret, merchantId });

await gatepay.closeOrder({ merchantTradeNo: "118223456797" });
await gatepay.cancelRecharge({ orderId: "71347515709194240" });
`,
    },
  },
  {
    name: "DaxPay",
    apis: ["daxpay"],
    factory: "createDaxPayClient",
    signing:
      "The body carries <code>sign</code>, the lowercase hex HMAC-SHA256 (or MD5) of its non-null " +
      "fields sorted by key as <code>key=value</code> pairs joined with <code>&amp;</code>, with every " +
      '<code>"</code> and <code>\\</code> removed and <code>&amp;key=&lt;secret&gt;</code> appended; ' +
      "the answer's <code>data</code> is signed the same way.",
    usage: {
      id: "daxpay",
      lang: "typescript",
      code: `import { createDaxPayClient } from "payclients";

const baseUrl = process.env.DAXPAY_BASE_URL; // DaxPay is self-hosted
const secret = process.env.DAXPAY_SECRET;
if (!baseUrl || !secret) {
  throw new Error("Set the DAXPAY_* environment variables");
}

const daxpay = createDaxPayClient({ baseUrl, secret });

await daxpay.cancel({ bizOrderNo: "P0001" });
`,
    },
  },
  {
    name: "PayerMax",
    apis: ["payermax"],
    factory: "createPayerMaxClient",
    signing:
      "The <code>sign</code> header is the Base64 RSA-SHA256 (PKCS#1 v1.5) signature of the exact " +
      "request body with your RSA-2048 private key; PayerMax signs its answers the same way with its " +
      "platform key, and the client checks that signature.",
    usage: {
      id: "payermax",
      lang: "typescript",
      code: `import { createPayerMaxClient } from "payclients";

const appId = process.env.PAYERMAX_APP_ID;
// Keys as PEM, or as the bare Base64 DER that PayerMax hands out.
const privateKey = process.env.PAYERMAX_PRIVATE_KEY; // yours, PKCS#8
const platformPublicKey = process.env.PAYERMAX_PLATFORM_PUBLIC_KEY;
if (!appId || !privateKey || !platformPublicKey) {
  throw new Error("Set the PAYERMAX_* environment variables");
}

const payermax = createPayerMaxClient({
  appId,
  privateKey,
  platformPublicKey,
  environment: "uat", // or "production"
});

await payermax.cancel({ requestId: "cancel-ORDER_0001", outTradeNo: "ORDER_0001" });
`,
    },
  },
];

/** Handling failures, the same way for every provider. */
export const ERRORS: Snippet = {
  id: "errors",
  lang: "typescript",
  code: `import { createDaxPayClient, PayClientError } from "payclients";

const baseUrl = process.env.DAXPAY_BASE_URL;
const secret = process.env.DAXPAY_SECRET;
if (!baseUrl || !secret) {
  throw new Error("Set the DAXPAY_* environment variables");
}
const daxpay = createDaxPayClient({ baseUrl, secret });

try {
  const result = await daxpay.cancel({ bizOrderNo: "P0001" });
  console.log("cancelled", result);
} catch (error) {
  // Every failure is a PayClientError: invalid input (before any request), a
  // provider rejection, a bad signature, a timeout, a network failure or an
  // unexpected answer. Its type says which; provider and operation say where.
  if (error instanceof PayClientError) {
    const { type, provider, operation, message } = error;
    console.error(type, provider, operation, message);
  }
  throw error;
}
`,
};

/** Every snippet on the page, in page order. */
export function landingSnippets(): Snippet[] {
  return [INSTALL, ...PROVIDERS.map((provider) => provider.usage), ERRORS];
}
