// Both transports against one real loopback server: the decoded-size cap on every encoding (issue 13,
// input 1: a 317-byte brotli body that decodes to 200 MiB), redirects never followed, keep-alive
// reuse, and failures as PayClientErrors.

import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TimeoutError } from "./errors.js";
import { nodeTransport } from "./node-transport.js";
import { fetchTransport, type SendContext, type Transport } from "./transport.js";

const TWO_HUNDRED_MIB = 200 * 1024 * 1024;
const ctx: SendContext = {
  provider: "gatepay",
  operation: "closeOrder",
  timeoutMs: 5_000,
  maxResponseBytes: 1024,
  attempt: 1,
};

let baseUrl = "";
const bombs: Record<string, Buffer> = {};
let connections = 0;
let closedPortUrl = "";
const server = http.createServer((req, res) => {
  const [, kind = "", length = ""] = /^\/bomb\/([a-z]+)\/?(chunked)?/.exec(req.url ?? "") ?? [];
  if (kind !== "") {
    const body = bombs[kind] as Buffer;
    const headers: http.OutgoingHttpHeaders = {
      "content-type": "application/json",
      "content-encoding": kind,
    };
    if (length !== "chunked") headers["content-length"] = body.length;
    res.writeHead(200, headers);
    res.end(body);
    return;
  }
  switch (req.url) {
    case "/ok":
      req.resume();
      req.on("end", () => res.end('{"status":"SUCCESS"}'));
      return;
    case "/gzip-small":
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(zlib.gzipSync('{"status":"SUCCESS","code":"000000"}'));
      return;
    case "/compress":
      res.writeHead(200, { "content-encoding": "compress" });
      res.end("x");
      return;
    case "/never":
      // Reads the request and never answers; afterAll ends the connection.
      req.resume();
      return;
    case "/stall-body":
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":');
      return;
    case "/redirect":
      res.writeHead(302, { location: "/ok" });
      res.end();
      return;
    case "/echo":
      req.setEncoding("utf8");
      {
        let text = "";
        req.on("data", (chunk: string) => {
          text += chunk;
        });
        req.on("end", () =>
          res.end(
            JSON.stringify({
              body: text,
              type: req.headers["content-type"],
              length: req.headers["content-length"],
            }),
          ),
        );
      }
      return;
    default:
      res.statusCode = 404;
      res.end();
  }
});
server.on("connection", () => {
  connections += 1;
});

beforeAll(async () => {
  const zeros = Buffer.alloc(TWO_HUNDRED_MIB);
  bombs.br = zlib.brotliCompressSync(zeros, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
  bombs.gzip = zlib.gzipSync(zeros, { level: 9 });
  bombs.deflate = zlib.deflateSync(zeros, { level: 9 });
  // A port that was just free and is closed again (fetch refuses port 1 as a "bad port" before trying).
  const closed = http.createServer().listen(0, "127.0.0.1");
  await once(closed, "listening");
  closedPortUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  closed.close();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const transports: [string, () => Transport][] = [
  ["node:http", () => nodeTransport() as Transport],
  ["fetch", () => fetchTransport((input, init) => globalThis.fetch(input, init))],
];

describe.each(transports)("the %s transport", (_name, make) => {
  const send = (path: string, body = "{}", limits: Partial<SendContext> = {}) =>
    make()(
      { url: baseUrl + path, headers: { "content-type": "application/json" }, body },
      { ...ctx, ...limits },
    );

  it("refuses a 317-byte brotli body that decodes to 200 MiB, at the cap, as too_large (issue 13, input 1)", async () => {
    expect(bombs.br?.length).toBeLessThan(400);
    const before = process.memoryUsage().rss;
    await expect(send("/bomb/br")).rejects.toMatchObject({
      type: "unexpected_response",
      reason: "too_large",
      status: 200,
      provider: "gatepay",
    });
    // Decoding stopped near the cap: nowhere near 200 MiB was held.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it.each([
    ["gzip", ""],
    ["deflate", ""],
    ["br", "chunked"],
    ["gzip", "chunked"],
  ])("refuses a %s bomb (%s) at the cap too, whether or not a length is announced", async (kind, chunked) => {
    await expect(send(`/bomb/${kind}/${chunked}`)).rejects.toMatchObject({ reason: "too_large" });
  });

  it("reads a small compressed answer exactly", async () => {
    await expect(send("/gzip-small")).resolves.toMatchObject({
      status: 200,
      text: '{"status":"SUCCESS","code":"000000"}',
    });
  });

  it("sends the exact body with its content type and byte length", async () => {
    const body = '{"merchantTradeNo":"订单-1"}';
    const answer = await send("/echo", body);
    expect(JSON.parse(answer.text)).toStrictEqual({
      body,
      type: "application/json",
      length: String(Buffer.byteLength(body)),
    });
  });

  it("returns a redirect as it is, never following it", async () => {
    const answer = await send("/redirect");
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("/ok");
  });
});

describe("the node:http transport", () => {
  it("refuses a refused connection as a NetworkError that never left this machine", async () => {
    await expect(
      (nodeTransport() as Transport)({ url: `${closedPortUrl}/x`, headers: {}, body: "{}" }, ctx),
    ).rejects.toMatchObject({
      type: "network",
      code: "ECONNREFUSED",
      requestSent: false,
      beforeResponse: true,
    });
  });

  it("refuses an encoding it cannot decode rather than handing on undecoded bytes", async () => {
    const send = nodeTransport() as Transport;
    await expect(send({ url: `${baseUrl}/compress`, headers: {}, body: "{}" }, ctx)).rejects.toMatchObject({
      type: "unexpected_response",
      reason: "wrong_shape",
      status: 200,
    });
  });

  it("sends what must never be re-sent on a fresh connection each time, never on a kept-alive one", async () => {
    const send = nodeTransport() as Transport;
    const before = connections;
    for (let call = 0; call < 3; call += 1) {
      await send({ url: `${baseUrl}/ok`, headers: {}, body: "{}" }, { ...ctx, idempotent: false });
    }
    expect(connections - before).toBe(3);
  });

  it("keeps one connection alive across calls of one client", async () => {
    const send = nodeTransport() as Transport;
    const before = connections;
    for (let call = 0; call < 5; call += 1) {
      await send({ url: `${baseUrl}/ok`, headers: {}, body: "{}" }, ctx);
    }
    expect(connections - before).toBe(1);
  });
});

// A full garbage collection now (the flag can be set at run time; `gc` then exists in a new context).
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

describe("the fetch transport's deadline, when fetch never hears of the abort", () => {
  const deadlineCtx: SendContext = { ...ctx, timeoutMs: 150, attempt: 2 };
  const request = (path: string) => ({
    url: baseUrl + path,
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  /** A logging or proxy wrapper as apps write them: it rebuilds the request from input and init. */
  const rebuildingFetch: typeof fetch = (input, init) => globalThis.fetch(new Request(input, init));

  /** Sends, collecting garbage while the attempt waits, and returns the rejection and its delay. */
  async function timedRejection(transport: Transport, path: string) {
    const started = performance.now();
    const collector = setInterval(collectGarbage, 30);
    try {
      await transport(request(path), deadlineCtx);
    } catch (error) {
      return { error, elapsed: performance.now() - started };
    } finally {
      clearInterval(collector);
    }
    throw new Error("expected a rejection");
  }

  // Node 20's fetch loses the abort of a rebuilt Request once the Request is garbage-collected (it
  // follows the signal through a weak reference): before the deadline was raced, these calls hung.
  it.each([
    ["no answer at all", "/never"],
    ["a body that stalls after the headers", "/stall-body"],
  ])(
    "times out on %s through a wrapper that rebuilds the Request, with garbage collected meanwhile",
    async (_case, path) => {
      const { error, elapsed } = await timedRejection(fetchTransport(rebuildingFetch), path);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({
        timeoutMs: 150,
        attempts: 2,
        provider: "gatepay",
        operation: "closeOrder",
      });
      expect(elapsed).toBeLessThan(2_000);
    },
  );

  it("times out a fetch that ignores its signal and never settles", async () => {
    const { error, elapsed } = await timedRejection(
      fetchTransport(() => new Promise<Response>(() => undefined)),
      "/never",
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150, attempts: 2 });
    expect(elapsed).toBeLessThan(2_000);
  });

  it("times out a body that never ends and ignores the signal, and cancels that body", async () => {
    let cancelledWith: unknown;
    const endless = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"status":')),
      cancel: (reason) => {
        cancelledWith = reason;
      },
    });
    const fetchFn: typeof fetch = async () => new Response(endless, { status: 200 });
    const { error } = await timedRejection(fetchTransport(fetchFn), "/never");
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150, attempts: 2 });
    expect((cancelledWith as DOMException).name).toBe("TimeoutError");
  });

  it("cancels the body of a response that arrives after the deadline", async () => {
    let cancelled = false;
    let answer: (response: Response) => void = () => undefined;
    const late = new Promise<Response>((resolve) => {
      answer = resolve;
    });
    const { error } = await timedRejection(
      fetchTransport(() => late),
      "/never",
    );
    expect(error).toBeInstanceOf(TimeoutError);
    answer(
      new Response(
        new ReadableStream({
          cancel: () => {
            cancelled = true;
          },
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled).toBe(true);
  });
});
