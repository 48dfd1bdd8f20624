import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkError, SignatureError, TimeoutError, UnexpectedResponseError } from "./errors.js";
import { isRetryable } from "./retry.js";
import {
  attemptDeadline,
  classifyFetchError,
  DEFAULT_MAX_RESPONSE_BYTES,
  readBodyCapped,
} from "./transport.js";

const ctx = { provider: "gatepay", operation: "closeOrder", timeoutMs: 150, attempt: 2 } as const;
const FIVE_MB = 5 * 1024 * 1024;

/** Settles `promise` and returns what it rejected with (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

// One server for every real-socket case; each path misbehaves in its own way.
let baseUrl = "";
let closedPortUrl = "";
let hugeBodyClosedEarly: Promise<boolean> = Promise.resolve(false);
const server = http.createServer((req, res) => {
  switch (req.url) {
    case "/destroy-before-response":
      req.socket.destroy();
      return;
    case "/destroy-mid-response":
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":"SUCC');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    case "/slow-headers":
      setTimeout(() => res.end("{}"), 2000).unref();
      return;
    case "/slow-body":
      res.writeHead(200);
      res.write("{");
      setTimeout(() => res.end("}"), 2000).unref();
      return;
    case "/huge": {
      // No Content-Length, so only the streamed byte count can stop the read.
      res.writeHead(200, { "content-type": "application/json" });
      hugeBodyClosedEarly = once(res, "close").then(() => !res.writableFinished);
      const chunk = Buffer.alloc(64 * 1024, "a");
      let sent = 0;
      const pump = () => {
        while (sent < FIVE_MB) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    default:
      res.end("ok");
  }
});

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Bind then close a second server: its port is now (almost certainly) refusing connections.
  const closed = http.createServer();
  closed.listen(0, "127.0.0.1");
  await once(closed, "listening");
  closedPortUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
  closed.close();
  await once(closed, "close");
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("classifyFetchError with real sockets", () => {
  it("maps a refused connection to a NetworkError that never sent the request", async () => {
    const error = classifyFetchError(await rejectionOf(fetch(closedPortUrl)), ctx);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", requestSent: false, beforeResponse: true });
    expect(error.message).toBe(
      "[gatepay closeOrder] network error before the request was sent (ECONNREFUSED)",
    );
    expect(isRetryable(error, { idempotent: false })).toBe(true);
  });

  it("maps a socket closed before any response to a NetworkError before the response", async () => {
    const error = classifyFetchError(await rejectionOf(fetch(`${baseUrl}/destroy-before-response`)), ctx);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "UND_ERR_SOCKET", requestSent: true, beforeResponse: true });
    expect(isRetryable(error, { idempotent: true })).toBe(true);
    expect(isRetryable(error, { idempotent: false })).toBe(false);
  });

  it("maps a socket destroyed mid-response to a NetworkError after the response started", async () => {
    const response = await fetch(`${baseUrl}/destroy-mid-response`);
    const raw = await rejectionOf(readBodyCapped(response));
    const error = classifyFetchError(raw, { ...ctx, responseStarted: true, status: response.status });
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      code: "UND_ERR_SOCKET",
      requestSent: true,
      beforeResponse: false,
      status: 200,
    });
    expect(error.message).toBe(
      "[gatepay closeOrder] network error while reading the response (UND_ERR_SOCKET)",
    );
    expect(isRetryable(error, { idempotent: true })).toBe(false);
  });

  it("maps a server slower than the timeout to a TimeoutError, promptly", async () => {
    const started = performance.now();
    const raw = await rejectionOf(fetch(`${baseUrl}/slow-headers`, { signal: attemptDeadline(150).signal }));
    const error = classifyFetchError(raw, ctx);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      timeoutMs: 150,
      attempts: 2,
      provider: "gatepay",
      operation: "closeOrder",
    });
    expect(error.cause).toBe(raw);
  });

  it("maps a body that stalls past the timeout to a TimeoutError", async () => {
    const response = await fetch(`${baseUrl}/slow-body`, { signal: attemptDeadline(150).signal });
    const error = classifyFetchError(await rejectionOf(readBodyCapped(response)), {
      ...ctx,
      responseStarted: true,
    });
    expect(error).toBeInstanceOf(TimeoutError);
  });
});

describe("classifyFetchError with synthetic failures", () => {
  const undiciError = (code: string) =>
    new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });

  it("treats DNS failures as never sent", () => {
    for (const code of ["ENOTFOUND", "EAI_AGAIN"]) {
      expect(classifyFetchError(undiciError(code), ctx)).toMatchObject({
        type: "network",
        code,
        requestSent: false,
      });
    }
  });

  it("treats a reset as possibly delivered", () => {
    expect(classifyFetchError(undiciError("ECONNRESET"), ctx)).toMatchObject({
      type: "network",
      code: "ECONNRESET",
      requestSent: true,
      beforeResponse: true,
    });
  });

  it("finds a code inside an AggregateError", () => {
    const aggregate = new TypeError("fetch failed", {
      cause: new AggregateError([new Error("x"), Object.assign(new Error("y"), { code: "ECONNREFUSED" })]),
    });
    expect(classifyFetchError(aggregate, ctx)).toMatchObject({ code: "ECONNREFUSED", requestSent: false });
  });

  it("treats undici's own header and body timeouts as timeouts", () => {
    expect(classifyFetchError(undiciError("UND_ERR_HEADERS_TIMEOUT"), ctx)).toBeInstanceOf(TimeoutError);
    expect(classifyFetchError(undiciError("UND_ERR_BODY_TIMEOUT"), ctx)).toBeInstanceOf(TimeoutError);
  });

  it("ignores numeric DOMException codes", () => {
    const error = classifyFetchError(new DOMException("aborted", "AbortError"), ctx);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("maps anything unknown, even a thrown string, to a possibly delivered NetworkError", () => {
    expect(classifyFetchError("boom", ctx)).toMatchObject({
      type: "network",
      code: undefined,
      requestSent: true,
      beforeResponse: true,
    });
  });

  it("passes a PayClientError through unchanged", () => {
    const signature = new SignatureError({ reason: "invalid" });
    expect(classifyFetchError(signature, ctx)).toBe(signature);
  });
});

describe("readBodyCapped", () => {
  it("rejects a 5 MB streamed body at the 1 MiB default and closes the connection", async () => {
    const response = await fetch(`${baseUrl}/huge`);
    const error = await rejectionOf(
      readBodyCapped(response, undefined, { provider: "payermax", operation: "cancel" }),
    );
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({
      reason: "too_large",
      status: 200,
      provider: "payermax",
      message: `[payermax cancel] response body is larger than the configured limit: more than ${DEFAULT_MAX_RESPONSE_BYTES} bytes received`,
      bodySnippet: `${"a".repeat(199)}…`,
    });
    expect(await hugeBodyClosedEarly).toBe(true);
  });

  it("rejects on Content-Length before reading a byte", async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(10));
      },
    });
    const response = new Response(body, { headers: { "content-length": String(FIVE_MB) } });
    const error = await rejectionOf(readBodyCapped(response, 1024));
    expect(error).toMatchObject({
      reason: "too_large",
      message: `response body is larger than the configured limit: Content-Length ${FIVE_MB} exceeds the limit of 1024 bytes`,
    });
    expect(pulls).toBeLessThanOrEqual(1);
  });

  it("cancels the stream as soon as the cap is passed", async () => {
    let enqueued = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          enqueued++;
          controller.enqueue(new TextEncoder().encode("abcd"));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const error = await rejectionOf(readBodyCapped(new Response(body), 10));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(cancelled).toBe(true);
    expect(enqueued).toBe(3);
  });

  it("accepts a body of exactly maxBytes", async () => {
    await expect(readBodyCapped(new Response("x".repeat(16)), 16)).resolves.toBe("x".repeat(16));
  });

  it("decodes UTF-8 split across chunks and keeps a BOM", async () => {
    const bytes = new TextEncoder().encode('\ufeff{"msg":"验签失败"}');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    await expect(readBodyCapped(new Response(body))).resolves.toBe('\ufeff{"msg":"验签失败"}');
  });

  it("returns an empty string for a response without a body", async () => {
    await expect(readBodyCapped(new Response(null, { status: 204 }))).resolves.toBe("");
  });
});

describe("attemptDeadline", () => {
  it("aborts with a TimeoutError after timeoutMs", async () => {
    const { signal } = attemptDeadline(20);
    expect(signal.aborted).toBe(false);
    await once(signal, "abort");
    expect((signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("never aborts once cleared", async () => {
    const deadline = attemptDeadline(20);
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.signal.aborted).toBe(false);
  });

  it("rejects `expired` with the same TimeoutError the signal aborts with", async () => {
    const deadline = attemptDeadline(20);
    const reason = await deadline.expired.catch((error: unknown) => error);
    expect((reason as DOMException).name).toBe("TimeoutError");
    expect(deadline.signal.reason).toBe(reason);
  });

  it("ends early with the stop signal's reason, and no longer listens once cleared", async () => {
    const stop = new AbortController();
    const deadline = attemptDeadline(10_000, stop.signal);
    const shutdown = new Error("sandbox stopping");
    stop.abort(shutdown);
    expect(deadline.signal.reason).toBe(shutdown);
    await expect(deadline.expired).rejects.toBe(shutdown);
    deadline.clear();

    const later = new AbortController();
    const cleared = attemptDeadline(10_000, later.signal);
    cleared.clear();
    later.abort(new Error("after the attempt"));
    expect(cleared.signal.aborted).toBe(false);
  });

  it("starts already ended when the stop signal has already aborted", async () => {
    const stop = new AbortController();
    stop.abort(new Error("stopped before"));
    const deadline = attemptDeadline(10_000, stop.signal);
    expect(deadline.signal.aborted).toBe(true);
    await expect(deadline.expired).rejects.toThrow("stopped before");
    deadline.clear();
  });
});
