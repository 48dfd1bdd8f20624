// What every consumer test shares: one Pact V4 per provider API writing into contracts/pacts/, the
// fixed clock and nonce the clients are given (so bodies and signatures are the same on every run),
// and the formats of the values that legitimately vary, each stated once.
import { setTimeout as sleep } from "node:timers/promises";
import { MatchersV3, PactV4, SpecificationVersion, type TemplateHeaders } from "@pact-foundation/pact";
import { makeConsumerPact } from "@pact-foundation/pact-core";
import type { ApiName } from "../../scripts/lib/apis.js";
import { signPayerMax } from "../../src/payermax/sign.js";
import { CONSUMER, PACTS_DIR, readBundledSpec } from "../pacts.js";
import { PAYERMAX } from "./credentials.js";

// Pact's native library reads this when it starts a mock server: no usage telemetry from any run.
process.env.PACT_DO_NOT_TRACK = "true";

/** The consumer tests' "now": 2026-01-01T00:00:00.000Z, in epoch milliseconds. */
export const NOW_MS = Date.UTC(2026, 0, 1);
/** The same instant in epoch seconds (DaxPay's reqTime and resTime). */
export const NOW_S = NOW_MS / 1000;
/** The nonce every request of the consumer tests carries (GatePay header, DaxPay nonceStr). */
export const NONCE = "ContractNonce0001";

/** Options every client in the consumer tests gets: the fixed clock and nonce, and no retries. */
export const FIXED = { now: () => NOW_MS, nonce: () => NONCE, retry: { retries: 0 } } as const;

type Interaction = ReturnType<PactV4["addInteraction"]>;
/** Pact's V4 request builder (its type is not exported from the package root). */
export type RequestBuilder = Parameters<NonNullable<Parameters<Interaction["withRequest"]>[2]>>[0];
/** Pact's V4 response builder. */
export type ResponseBuilder = Parameters<
  NonNullable<Parameters<ReturnType<Interaction["withRequest"]>["willRespondWith"]>[1]>
>[0];

/**
 * A Pact V4 between payclients and one provider API, writing payclients-<api>.json into
 * contracts/pacts/, or into PAYCLIENTS_PACT_DIR when set: `npm run test:contracts` points it at a
 * scratch folder and moves the pacts into place only when every consumer test passed.
 */
export function pactWith(api: ApiName): PactV4 {
  return awaitingBookkeeping(
    new PactV4({
      consumer: CONSUMER,
      provider: api,
      dir: process.env.PAYCLIENTS_PACT_DIR ?? PACTS_DIR,
      spec: SpecificationVersion.SPECIFICATION_VERSION_V4,
      logLevel: "error",
    }),
  );
}

// Pact's mock server (pact-core 19.x, FFI before 0.5.6) records that a request matched only after it
// has sent the answer, and executeTest asks whether every request arrived as soon as the test function
// returns. On a busy machine the question comes first, and a test whose client got the right answer
// fails with "The following request was expected but not received" (about 1 run in 10 of the suite:
// pact-foundation/pact-reference#535, pact-foundation/pact-js#1835). The fix upstream (pact-core 20,
// pact 17) needs Node 22; until then every executeTest waits, after its test function, until the
// mock server has recorded its requests.
const bookkeeping = makeConsumerPact("payclients", "mock-server-bookkeeping");
/** How long to wait for the mock server to record a request it already answered: 100 × 20 ms. */
const BOOKKEEPING_POLLS = 100;
const BOOKKEEPING_POLL_MS = 20;

/** Resolves once the mock server on `port` reports every expected request matched, or after 2 s. */
export async function requestsRecorded(port: number): Promise<boolean> {
  for (let poll = 0; poll < BOOKKEEPING_POLLS; poll++) {
    if (bookkeeping.mockServerMatchedSuccessfully(port)) return true;
    await sleep(BOOKKEEPING_POLL_MS);
  }
  // A request that never came (or did not match): Pact's own report says which.
  return false;
}

/**
 * Wraps Pact's interaction builder so that each executeTest, once its test function has returned,
 * waits for {@link requestsRecorded} before Pact checks the mock server.
 */
function awaitingBookkeeping<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      if (key === "executeTest") {
        return <R>(test: (server: { port: number; url: string }) => Promise<R>) =>
          value.call(object, async (server: { port: number; url: string }) => {
            const result = await test(server);
            await requestsRecorded(server.port);
            return result;
          });
      }
      return (...args: unknown[]) => {
        const next: unknown = value.apply(object, args);
        return typeof next === "object" && next !== null && !(next instanceof Promise)
          ? awaitingBookkeeping(next)
          : next;
      };
    },
  });
}

type JsonObject = Record<string, unknown>;

function child(node: unknown, key: string): unknown {
  return typeof node === "object" && node !== null ? (node as JsonObject)[key] : undefined;
}

/** A signing header's format, read from its security scheme's `x-pattern` in the bundled spec. */
export function headerPattern(api: ApiName, header: string): string {
  const schemes = child(child(readBundledSpec(api), "components"), "securitySchemes");
  for (const scheme of Object.values((schemes ?? {}) as JsonObject)) {
    const pattern = child(scheme, "x-pattern");
    if (child(scheme, "name") === header && typeof pattern === "string") return pattern;
  }
  throw new Error(`${api}: no security scheme with an x-pattern declares header ${header}`);
}

/** A string schema's `pattern` in the bundled spec, by the path of its property. */
export function schemaPattern(api: ApiName, ...path: string[]): string {
  const pattern = child(
    path.reduce<unknown>((node, key) => child(node, key), readBundledSpec(api)),
    "pattern",
  );
  if (typeof pattern !== "string") throw new Error(`${api}: no pattern at ${path.join(".")}`);
  return pattern;
}

/** Formats of values that vary between calls and are not pinned by a spec pattern. */
export const FORMAT = {
  /** Epoch milliseconds, 13 digits. */
  epochMillis: "^[0-9]{13}$",
  /** DaxPay's sign (request `sign`, response `data.sign`): lowercase hex HMAC-SHA256, 64 characters. */
  daxpaySign: "^[0-9a-f]{64}$",
  /** DaxPay's nonceStr: at most 32 letters or digits. */
  daxpayNonce: "^[A-Za-z0-9]{1,32}$",
  /** DaxPay's traceId: 12 letters or digits (as in the page's examples). */
  daxpayTraceId: "^[A-Za-z0-9]{12}$",
  /** PayerMax's `sign` header on answers: Base64 of an RSA-2048 signature (256 bytes). */
  payermaxSign: "^[A-Za-z0-9+/]{342}==$",
  /** PayerMax's response times, as its page writes them: `2023-08-06T23:50:59 +0000`. */
  payermaxTime: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$",
  /** PayerMax's notifyTime, `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` as its spec says: `2024-11-06T11:58:13.000+08:00`, `…Z`. */
  payermaxNotifyTime:
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}(Z|[+-][0-9]{2}:[0-9]{2})$",
  /** PayerMax's cancelNo: 14-digit time, two letters, 19 digits (`20230806235954ED7856775040587834005`). */
  payermaxCancelNo: "^[0-9]{14}[A-Z]{2}[0-9]{19}$",
  /** GatePay OTC order ids: int64 as decimal text (`71347515709194240`). */
  gatepayOrderId: "^[1-9][0-9]{0,18}$",
  /** Ids a provider generates whose format it does not publish: letters and digits. */
  generatedId: "^[A-Za-z0-9]{1,64}$",
} as const;

/** A regex matcher with the example the client sees. */
export function matching(pattern: string, example: string): MatchersV3.Matcher<string> {
  if (!new RegExp(pattern).test(example)) {
    throw new Error(`example ${JSON.stringify(example)} does not match its own format ${pattern}`);
  }
  return MatchersV3.regex(pattern, example);
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/**
 * A JSON object carried as text (GatePay's `data`) that holds `field` with exactly this string value,
 * whatever else it holds and in whatever order. Pact cannot match inside a string, so this is a regex
 * over the text; the example is the text the consumer sees.
 */
export function jsonTextHolding(field: string, value: string, example: string): MatchersV3.Matcher<string> {
  const pair = `${escapeRegex(JSON.stringify(field))}\\s*:\\s*${escapeRegex(JSON.stringify(value))}`;
  return matching(`^\\{(.*,)?\\s*${pair}\\s*[,}].*$`, example);
}

/** Sorts object keys at every level: the Pact mock server answers JSON bodies with sorted keys. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as JsonObject)[key])]),
  );
}

/**
 * The `sign` header PayerMax puts on an answer: RSA-SHA256 (PKCS#1 v1.5) over the exact answer text,
 * with the platform's private key. The Pact mock server sends a JSON body compact with its keys sorted,
 * so that is the text signed here (deterministic, so the pact file does not change between runs).
 */
export function payermaxAnswerSign(body: unknown): string {
  return signPayerMax(JSON.stringify(sortedKeys(body)), PAYERMAX.platformPrivateKey);
}

/** A JSON answer, with any extra headers (e.g. a signature). */
export function jsonAnswer(body: unknown, headers: TemplateHeaders = {}) {
  return (builder: ResponseBuilder): void => {
    builder.headers({ "Content-Type": "application/json", ...headers }).jsonBody(body);
  };
}

/** What a call rejected with; throws when it resolved instead. */
export async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}
