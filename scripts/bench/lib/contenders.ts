// The contenders of the peers section, for one provider operation: each builds its client once (keys
// parsed, agents made) and returns one call that signs the request, sends it, verifies the answer where
// the provider signs it, and throws unless it is a success.
// - limit: node:http with a keep-alive agent plus the protocol's crypto (./protocols.ts), nothing else;
// - fetch: the same bytes and crypto over the global fetch;
// - got, axios, ky: the same bytes and crypto over each library, set up as a careful user would
//   (got and axios on a keep-alive agent, no redirects followed, got without retries);
// - openapi-fetch: typed calls on the generated paths, a signing middleware on the request and a
//   verifying one on the answer, as its docs suggest;
// - payclients: the real client through its public API, `baseUrl` at the loopback server, default
//   transport, so it measures whatever transport the client picks.
// Only payclients is the project's code (its built package); every other contender signs with the bench's own node:crypto code.
import { createPrivateKey, createPublicKey } from "node:crypto";
import type { Agent } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import axios from "axios";
import got from "got";
import ky from "ky";
import createClient, { type Middleware } from "openapi-fetch";
import type { paths as DaxPayPaths } from "../../../generated/daxpay.js";
import type { paths as GatePayPaths } from "../../../generated/gatepay-payments.js";
import type { paths as PayerMaxPaths } from "../../../generated/payermax.js";
import type * as Payclients from "../../../src/index.js";
import type { ContenderName } from "./contender-names.js";
import type { PeerFixture, PeerProvider } from "./fixture.js";
import { keepAliveAgent, post } from "./http-post.js";
import {
  type DaxPayKeys,
  daxPayLimit,
  daxPaySignedCancelBody,
  type GatePayKeys,
  gatePayLimit,
  gatePaySignedHeaders,
  type HeaderGetter,
  type LimitProtocol,
  limitNonce,
  payerMaxCancelBody,
  payerMaxLimit,
  payerMaxSign,
  type WireRequest,
} from "./protocols.js";

/**
 * payclients as users run it: the published package, tsc's output in dist/ (`npm run bench` builds it
 * first). Measuring src/ through tsx would charge payclients for tsx's keepNames wrapper around every
 * closure, a cost the package does not have.
 */
const PAYCLIENTS_DIST = pathToFileURL(resolve(import.meta.dirname, "../../../dist/src/index.js")).href;
const { createDaxPayClient, createGatePayClient, createPayerMaxClient }: typeof Payclients = await import(
  PAYCLIENTS_DIST
);

/** Where timestamps and nonces come from; fixed in the byte check, real while measuring. */
export interface Clock {
  readonly now: () => number;
  readonly nonce: () => string;
}

export const REAL_CLOCK: Clock = { now: Date.now, nonce: limitNonce };

export type Call = () => Promise<unknown>;

/** One provider operation: its protocol and the typed openapi-fetch client a user would write for it. */
interface Operation {
  readonly protocol: LimitProtocol;
  /** Builds the openapi-fetch contender's call. */
  openapiFetch(baseUrl: string, clock: Clock): Call;
  /** Builds payclients' call; `clock` is passed to the client only when given (the byte check). */
  payclients(baseUrl: string, clock: Clock | undefined): Call;
}

/** Fails the call unless openapi-fetch returned data (the verifying middleware has already run). */
function expectData(result: { data?: unknown; error?: unknown; response: Response }): unknown {
  if (result.error !== undefined || result.data === undefined) {
    throw new Error(`openapi-fetch: HTTP ${result.response.status} without data`);
  }
  return result.data;
}

/** Verifies each answer with the protocol's own check, reading a clone so openapi-fetch can parse it. */
function verifyingMiddleware(protocol: LimitProtocol): Middleware {
  return {
    async onResponse({ response }) {
      const text = await response.clone().text();
      protocol.accept(text, (name) => response.headers.get(name));
      return undefined;
    },
  };
}

function operationOf(provider: PeerProvider, fixture: PeerFixture): Operation {
  switch (provider) {
    case "gatepay": {
      const { clientId, secret, merchantTradeNo } = fixture.gatepay;
      const keys: GatePayKeys = { clientId, key: Buffer.from(secret, "utf8") };
      const protocol = gatePayLimit({ clientId, secret, merchantTradeNo });
      return {
        protocol,
        openapiFetch(baseUrl, clock) {
          const client = createClient<GatePayPaths>({ baseUrl });
          client.use({
            async onRequest({ request }) {
              const body = await request.clone().text();
              const headers = gatePaySignedHeaders(keys, body, clock.now(), clock.nonce());
              for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
              return request;
            },
          });
          client.use(verifyingMiddleware(protocol));
          return async () =>
            expectData(await client.POST("/v1/pay/order/close", { body: { merchantTradeNo } }));
        },
        payclients(baseUrl, clock) {
          const client = createGatePayClient({ clientId, secret, baseUrl, ...clock });
          return () => client.closeOrder({ merchantTradeNo });
        },
      };
    }
    case "daxpay": {
      const { secret, orderNo } = fixture.daxpay;
      const keys: DaxPayKeys = { secret, key: Buffer.from(secret, "utf8") };
      const protocol = daxPayLimit({ secret, orderNo });
      return {
        protocol,
        openapiFetch(baseUrl, clock) {
          const client = createClient<DaxPayPaths>({ baseUrl });
          client.use({
            // DaxPay signs fields inside the body, so the middleware replaces the body with the signed one.
            async onRequest({ request }) {
              const fields = JSON.parse(await request.clone().text()) as {
                orderNo: string;
                nonceStr: string;
                reqTime: number;
              };
              const body = daxPaySignedCancelBody(keys, fields.orderNo, fields.reqTime, fields.nonceStr);
              return new Request(request, { body });
            },
          });
          client.use(verifyingMiddleware(protocol));
          return async () =>
            expectData(
              await client.POST("/unipay/cancel", {
                body: { orderNo, nonceStr: clock.nonce(), reqTime: Math.floor(clock.now() / 1000) },
              }),
            );
        },
        payclients(baseUrl, clock) {
          const client = createDaxPayClient({ secret, signType: "HMAC_SHA256", baseUrl, ...clock });
          return () => client.cancel({ orderNo });
        },
      };
    }
    case "payermax": {
      const p = fixture.payermax;
      const privateKey = createPrivateKey(p.privateKeyPem);
      const input = { requestId: p.requestId, outTradeNo: p.outTradeNo };
      const protocol = payerMaxLimit({
        appId: p.appId,
        merchantNo: p.merchantNo,
        privateKey,
        platformPublicKey: createPublicKey(p.platformPublicKeyPem),
        ...input,
      });
      return {
        protocol,
        openapiFetch(baseUrl, clock) {
          const client = createClient<PayerMaxPaths>({ baseUrl });
          client.use({
            async onRequest({ request }) {
              request.headers.set("sign", payerMaxSign(privateKey, await request.clone().text()));
              return request;
            },
          });
          client.use(verifyingMiddleware(protocol));
          return async () =>
            expectData(
              await client.POST("/aggregate-pay/api/gateway/cancel", {
                // The envelope as the bench's protocol serializes it, so every contender sends the same bytes.
                body: JSON.parse(payerMaxCancelBody(p, input, clock.now())),
              }),
            );
        },
        payclients(baseUrl, clock) {
          const client = createPayerMaxClient({
            appId: p.appId,
            merchantNo: p.merchantNo,
            privateKey: p.privateKeyPem,
            platformPublicKey: p.platformPublicKeyPem,
            baseUrl,
            ...clock,
          });
          return () => client.cancel(input);
        },
      };
    }
  }
}

/** Reads a node:http-style header record (lower-cased names, string or string[] values). */
function recordGetter(headers: Readonly<Record<string, unknown>>): HeaderGetter {
  return (name) => {
    const value = headers[name.toLowerCase()];
    if (typeof value === "string") return value;
    if (Array.isArray(value) && typeof value[0] === "string") return value[0];
    return null;
  };
}

/** Fails unless the answer is a 200 (every library here resolves other statuses differently). */
function expectOk(status: number): void {
  if (status !== 200) throw new Error(`HTTP ${status}`);
}

type Send = (wire: WireRequest) => Promise<{ status: number; text: string; header: HeaderGetter }>;

/** The transports that send the protocol's bytes as they are: the limit's, fetch, got, axios and ky. */
function transports(baseUrl: string): Record<"limit" | "fetch" | "got" | "axios" | "ky", Send> {
  const base = new URL(baseUrl);
  // 64 sockets at most: more than the 16 concurrent loops ever hold, so no call waits for a socket.
  const agent = (): Agent => keepAliveAgent(64);
  const limitAgent = agent();
  return {
    limit: async (wire) => {
      const response = await post(limitAgent, base, wire);
      return { status: response.status, text: response.text, header: recordGetter(response.headers) };
    },
    fetch: async (wire) => {
      const response = await fetch(`${baseUrl}${wire.path}`, {
        method: wire.method,
        headers: wire.headers,
        body: wire.body,
      });
      const text = await response.text();
      return { status: response.status, text, header: (name) => response.headers.get(name) };
    },
    got: (() => {
      const client = got.extend({
        agent: { http: agent() },
        retry: { limit: 0 },
        followRedirect: false,
        throwHttpErrors: false,
        responseType: "text",
      });
      return async (wire) => {
        const response = await client.post(`${baseUrl}${wire.path}`, {
          headers: wire.headers,
          body: wire.body,
        });
        return { status: response.statusCode, text: response.body, header: recordGetter(response.headers) };
      };
    })(),
    axios: (() => {
      const client = axios.create({
        baseURL: base.origin,
        httpAgent: agent(),
        maxRedirects: 0,
        responseType: "text",
        // The raw text: the signature is over the bytes, so the answer is parsed after verifying.
        transformResponse: (data: unknown) => data,
        validateStatus: () => true,
      });
      return async (wire) => {
        const response = await client.post<string>(wire.path, wire.body, { headers: wire.headers });
        return {
          status: response.status,
          text: response.data,
          header: recordGetter(response.headers as Record<string, unknown>),
        };
      };
    })(),
    ky: (() => {
      const client = ky.create({ prefixUrl: base.origin, throwHttpErrors: false });
      return async (wire) => {
        const response = await client.post(wire.path.slice(1), { headers: wire.headers, body: wire.body });
        const text = await response.text();
        return { status: response.status, text, header: (name) => response.headers.get(name) };
      };
    })(),
  };
}

/**
 * Every contender's call for one provider operation against `baseUrl`. `clock` fixes timestamps and
 * nonces (the byte check); without it every contender uses the real clock and payclients its defaults.
 */
export function contenders(
  provider: PeerProvider,
  fixture: PeerFixture,
  baseUrl: string,
  clock?: Clock,
): { protocol: LimitProtocol; calls: Record<ContenderName, Call> } {
  const operation = operationOf(provider, fixture);
  const { protocol } = operation;
  const time = clock ?? REAL_CLOCK;
  const sends = transports(baseUrl);
  const over =
    (send: Send): Call =>
    async () => {
      const { status, text, header } = await send(protocol.request(time.now(), time.nonce()));
      expectOk(status);
      return protocol.accept(text, header);
    };
  return {
    protocol,
    calls: {
      limit: over(sends.limit),
      fetch: over(sends.fetch),
      got: over(sends.got),
      axios: over(sends.axios),
      ky: over(sends.ky),
      "openapi-fetch": operation.openapiFetch(baseUrl, time),
      payclients: operation.payclients(baseUrl, clock),
    },
  };
}
