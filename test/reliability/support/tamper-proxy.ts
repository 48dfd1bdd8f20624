// A man in the middle on loopback: forwards each request unchanged to the sandbox, then hands the
// sandbox's genuine answer to the current tamper function before passing it back. The genuine answer
// is kept, so a test can compare what the client reported with what the sandbox really said.

import { Agent, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/** An answer as it crosses the proxy: status, the headers that matter, exact body bytes. */
export interface ProxiedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Changes an answer on its way back (or returns it as it is). */
export type Tamper = (answer: ProxiedAnswer) => ProxiedAnswer;

/** A running proxy. */
export interface TamperProxy {
  readonly url: string;
  /** Applied to the next answers; identity by default. */
  tamper: Tamper;
  /** The last answer as the sandbox sent it, before tampering. */
  readonly genuine: ProxiedAnswer | undefined;
  close(): Promise<void>;
}

// Request headers the providers read, and answer headers the clients read.
const REQUEST_HEADERS = [
  "content-type",
  "sign",
  "x-gatepay-certificate-clientid",
  "x-gatepay-timestamp",
  "x-gatepay-nonce",
  "x-gatepay-signature",
  "x-gatepay-merchantid",
];
const ANSWER_HEADERS = [
  "content-type",
  "date",
  "sign",
  "x-gatepay-timestamp",
  "x-gatepay-nonce",
  "x-gatepay-signature",
];

/** Sends one request to the sandbox over `agent`'s pooled connections and reads the whole answer. */
function forward(
  agent: Agent,
  target: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  retried = false,
): Promise<ProxiedAnswer> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(`${target}${path}`, { method, headers, agent }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("error", reject);
      answer.on("end", () => {
        const answerHeaders: Record<string, string> = {};
        for (const name of ANSWER_HEADERS) {
          const value = answer.headers[name];
          if (typeof value === "string") answerHeaders[name] = value;
        }
        resolve({ status: answer.statusCode ?? 0, headers: answerHeaders, body: Buffer.concat(chunks) });
      });
    });
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      // A pooled connection the sandbox closed as idle just as it was reused: the request never reached
      // the sandbox, so sending it once more is safe (Node's documented remedy).
      if (upstream.reusedSocket && error.code === "ECONNRESET" && !retried) {
        forward(agent, target, method, path, headers, body, true).then(resolve, reject);
        return;
      }
      reject(error);
    });
    upstream.end(body);
  });
}

/** Starts a proxy in front of `target` (the sandbox's URL). */
export async function startTamperProxy(target: string): Promise<TamperProxy> {
  let genuine: ProxiedAnswer | undefined;
  // Keep-alive to the sandbox: a fresh connection per request costs more than the rest of the hop.
  const upstreamAgent = new Agent({ keepAlive: true });
  const proxy: { tamper: Tamper } = { tamper: (answer) => answer };
  const server = createServer((request, response) => {
    response.on("error", () => {});
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      try {
        const headers: Record<string, string> = {};
        for (const name of REQUEST_HEADERS) {
          const value = request.headers[name];
          if (typeof value === "string") headers[name] = value;
        }
        genuine = await forward(
          upstreamAgent,
          target,
          request.method ?? "POST",
          request.url ?? "/",
          headers,
          Buffer.concat(chunks),
        );
        const sent = proxy.tamper(genuine);
        response.sendDate = false;
        response.writeHead(sent.status, { ...sent.headers, "content-length": String(sent.body.length) });
        response.end(sent.body);
      } catch {
        response.destroy();
      }
    });
  });
  // Longer than the client's own keep-alive, so the client always closes an idle connection first.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get tamper() {
      return proxy.tamper;
    },
    set tamper(next: Tamper) {
      proxy.tamper = next;
    },
    get genuine() {
      return genuine;
    },
    close: () =>
      new Promise<void>((resolve) => {
        upstreamAgent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body with byte `position` XOR-ed with `delta` (1 to 255): always a different byte. */
export function flipBodyByte(answer: ProxiedAnswer, position: number, delta: number): ProxiedAnswer {
  const body = Buffer.from(answer.body);
  const at = position % body.length;
  body[at] = (body[at] ?? 0) ^ delta;
  return { ...answer, body };
}

/** Printable ASCII, the characters a header value can carry without being trimmed or refused. */
const PRINTABLE_FIRST = 0x21;
const PRINTABLE_COUNT = 0x7e - 0x21 + 1;

/** The header with character `position` replaced by another printable character (`delta` 1 to 93 steps on). */
export function changeHeaderChar(
  answer: ProxiedAnswer,
  name: string,
  position: number,
  delta: number,
): ProxiedAnswer {
  const value = answer.headers[name];
  if (value === undefined || value === "") throw new Error(`the answer has no ${name} header to change`);
  const at = position % value.length;
  const original = value.charCodeAt(at) - PRINTABLE_FIRST;
  const replacement = String.fromCharCode(PRINTABLE_FIRST + ((original + delta) % PRINTABLE_COUNT));
  return {
    ...answer,
    headers: { ...answer.headers, [name]: value.slice(0, at) + replacement + value.slice(at + 1) },
  };
}
