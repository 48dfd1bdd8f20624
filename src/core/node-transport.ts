// The default transport on Node: node:http / node:https with a keep-alive agent per client. A
// loopback GatePay close costs ~144 µs over node:http against ~389 µs over fetch on Node 20 (issue
// "One plain call path", measured in `npm run bench`), so fetch is kept for the `fetch` option and
// for runtimes without node:http. The guarantees are those of every transport (./transport.ts):
// per-attempt timeout over headers and body, decoded-size cap on every encoding, no redirect
// followed, TLS verified (Node's defaults are never loosened here).
//
// node:http is looked up with process.getBuiltinModule (Node >= 20.16), not imported, so that this
// module loads unchanged on Bun, Deno and workerd, and so that `require()` of the package keeps
// working (no top-level await).

import type * as Http from "node:http";
import type * as Https from "node:https";
import type * as Zlib from "node:zlib";
import { UnexpectedResponseError } from "./errors.js";
import {
  type AnswerHeaders,
  classifyFetchError,
  isIdentityEncoding,
  type OutgoingRequest,
  type ReceivedAnswer,
  type SendContext,
  type Transport,
} from "./transport.js";

interface NodeModules {
  readonly http: typeof Http;
  readonly https: typeof Https;
  readonly zlib: typeof Zlib;
}

/**
 * node:http, node:https and node:zlib when this is Node itself; undefined on Bun, Deno, workerd
 * (whose node:http layers sit on their own fetch and gain nothing) and anything without
 * `process.getBuiltinModule`.
 */
function nodeModules(): NodeModules | undefined {
  const scope = globalThis as { Bun?: unknown; Deno?: unknown; navigator?: { userAgent?: string } };
  if (scope.Bun !== undefined || scope.Deno !== undefined) return undefined;
  if (scope.navigator?.userAgent === "Cloudflare-Workers") return undefined;
  const proc = (globalThis as { process?: Partial<NodeJS.Process> }).process;
  if (proc?.release?.name !== "node" || typeof proc.getBuiltinModule !== "function") return undefined;
  const http = proc.getBuiltinModule("node:http") as typeof Http | undefined;
  const https = proc.getBuiltinModule("node:https") as typeof Https | undefined;
  const zlib = proc.getBuiltinModule("node:zlib") as typeof Zlib | undefined;
  if (http === undefined || https === undefined || zlib === undefined) return undefined;
  return { http, https, zlib };
}

/** Header access over Node's lower-cased header object; repeated headers are joined with ", ". */
class NodeAnswerHeaders implements AnswerHeaders {
  readonly #headers: Http.IncomingHttpHeaders;

  constructor(headers: Http.IncomingHttpHeaders) {
    this.#headers = headers;
  }

  get(name: string): string | null {
    const value = this.#headers[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }
}

/** A decoder for `Content-Encoding`, or undefined for an encoding this transport cannot read. */
function decoderFor(
  zlib: typeof Zlib,
  encoding: string,
): Zlib.Gunzip | Zlib.Inflate | Zlib.BrotliDecompress | undefined {
  switch (encoding.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Creates the node:http transport with its own keep-alive agents, or returns undefined where
 * node:http is not Node's own (see {@link nodeModules}). Idle sockets do not keep the process alive.
 */
export function nodeTransport(): Transport | undefined {
  const modules = nodeModules();
  if (modules === undefined) return undefined;
  const agents = {
    "http:": new modules.http.Agent({ keepAlive: true }),
    "https:": new modules.https.Agent({ keepAlive: true }),
  };
  // A client sends to a handful of URLs (one per operation): parse each once.
  const parsed = new Map<string, URL>();
  const urlOf = (text: string): URL => {
    let url = parsed.get(text);
    if (url === undefined) {
      url = new URL(text);
      if (parsed.size < 64) parsed.set(text, url);
    }
    return url;
  };
  return (request, ctx) => send(modules, agents, urlOf(request.url), request, ctx);
}

function send(
  modules: NodeModules,
  agents: { "http:": Http.Agent; "https:": Https.Agent },
  url: URL,
  request: OutgoingRequest,
  ctx: SendContext,
): Promise<ReceivedAnswer> {
  return new Promise((resolve, reject) => {
    const where = { provider: ctx.provider, operation: ctx.operation };
    const secure = url.protocol === "https:";
    let status: number | undefined;
    let settled = false;
    const fail = (thrown: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      reject(
        classifyFetchError(thrown, {
          ...where,
          status,
          timeoutMs: ctx.timeoutMs,
          attempt: ctx.attempt,
          responseStarted: status !== undefined,
        }),
      );
    };
    const options: Http.RequestOptions = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === "" ? undefined : Number(url.port),
      path: url.pathname,
      method: "POST",
      headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
      // A fresh connection for what must never be re-sent: a kept-alive socket can be closed by the
      // server just as a request goes out on it.
      agent: ctx.idempotent === false ? false : secure ? agents["https:"] : agents["http:"],
    };
    const outgoing = secure ? modules.https.request(options) : modules.http.request(options);
    const timer = setTimeout(
      () => fail(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
      ctx.timeoutMs,
    );
    outgoing.on("error", fail);
    outgoing.on("response", (incoming) => {
      status = incoming.statusCode ?? 0;
      const headers = new NodeAnswerHeaders(incoming.headers);
      const answerStatus = status;
      const tooLarge = (detail: string, head?: Buffer) =>
        fail(
          new UnexpectedResponseError({
            ...where,
            status: answerStatus,
            reason: "too_large",
            detail,
            body: head?.subarray(0, 1024).toString("utf8"),
          }),
        );
      const encoding = incoming.headers["content-encoding"];
      let source: NodeJS.ReadableStream = incoming;
      if (!isIdentityEncoding(encoding)) {
        const decoder = decoderFor(modules.zlib, encoding ?? "");
        if (decoder === undefined) {
          fail(
            new UnexpectedResponseError({
              ...where,
              status: answerStatus,
              reason: "wrong_shape",
              detail: "the answer's Content-Encoding is not one of gzip, deflate, br",
            }),
          );
          return;
        }
        incoming.on("error", fail);
        source = incoming.pipe(decoder);
      } else {
        const declared = Number(incoming.headers["content-length"] ?? Number.NaN);
        if (Number.isFinite(declared) && declared > ctx.maxResponseBytes) {
          tooLarge(`Content-Length ${declared} exceeds the limit of ${ctx.maxResponseBytes} bytes`);
          return;
        }
      }
      const chunks: Buffer[] = [];
      let total = 0;
      source.on("data", (chunk: Buffer) => {
        if (settled) return;
        total += chunk.length;
        if (total > ctx.maxResponseBytes) {
          (source as { destroy?: () => void }).destroy?.();
          incoming.destroy();
          tooLarge(`more than ${ctx.maxResponseBytes} bytes received (decoded)`, chunks[0] ?? chunk);
          return;
        }
        chunks.push(chunk);
      });
      source.on("error", fail);
      source.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
        // Buffer's UTF-8 decoding keeps a BOM and replaces invalid bytes, as TextDecoder does.
        resolve({ status: answerStatus, headers, text: body.toString("utf8") });
      });
      // A socket that closes before the body ended is a failure mid-answer.
      incoming.on("close", () => {
        if (!incoming.complete) fail(Object.assign(new Error("answer cut off"), { code: "ECONNRESET" }));
      });
    });
    outgoing.end(request.body);
  });
}
