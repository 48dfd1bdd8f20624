// A loopback proxy in front of the sandbox that changes exactly one byte of each answer, inside what
// the provider signed (or inside the signature itself), so a client that checks signatures must reject
// it. The byte right after the first marker found is XORed with 1: the JSON stays valid and the
// length stays the same, so only the signature check can notice.

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Where each provider's answer is altered, tried in this order: GatePay's `data.result` (its signature
 * header covers the raw body), the first character of DaxPay's `data.sign` itself (before its unsigned
 * top-level `msg`), and PayerMax's `msg` (its `sign` header covers the raw body).
 */
export const TAMPER_MARKERS = ['"result":"', '"sign":"', '"msg":"'] as const;

/** A running proxy. */
export interface TamperProxy {
  readonly url: string;
  /** How many answers had a byte flipped so far. */
  readonly tampered: () => number;
  /** Answers that carried none of the markers (passed on unchanged), as "METHOD path". */
  readonly untouched: () => string[];
  stop(): Promise<void>;
}

/** Flips the low bit of the byte after the first marker found; undefined when none is present. */
export function flipOneByte(body: string): string | undefined {
  for (const marker of TAMPER_MARKERS) {
    const at = body.indexOf(marker);
    if (at >= 0) {
      const index = at + marker.length;
      const flipped = String.fromCharCode(body.charCodeAt(index) ^ 1);
      return `${body.slice(0, index)}${flipped}${body.slice(index + 1)}`;
    }
  }
  return undefined;
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// Hop-by-hop and length headers: the proxy's own connection and body decide them.
const DROPPED_HEADERS = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding"]);

/** Starts the proxy on 127.0.0.1 in front of `target` (a sandbox URL). */
export async function startTamperProxy(target: string): Promise<TamperProxy> {
  let tampered = 0;
  const untouched: string[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && !DROPPED_HEADERS.has(name)) headers.set(name, value);
      }
      const answer = await fetch(`${target}${request.url ?? "/"}`, {
        method: request.method ?? "GET",
        headers,
        body: request.method === "GET" ? undefined : await readText(request),
      });
      const text = await answer.text();
      const changed = flipOneByte(text);
      if (changed === undefined) untouched.push(`${request.method} ${request.url}`);
      else tampered += 1;
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!DROPPED_HEADERS.has(name)) out[name] = value;
      });
      response.writeHead(answer.status, out).end(changed ?? text);
    })().catch((error: unknown) => {
      response.writeHead(502, { "content-type": "text/plain" }).end(`tamper proxy: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tampered: () => tampered,
    untouched: () => [...untouched],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
