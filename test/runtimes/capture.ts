// A loopback merchant endpoint that only records: the sandbox POSTs its signed notifications here, and
// each one's body is kept exactly as it arrived, with its headers, so the runtime matrix can replay the
// genuine article to the verifiers on every runtime. It answers each provider's exact acknowledgement,
// since anything else makes the sandbox retry and send the notification again.

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT,
  GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT,
  PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT,
} from "../../src/index.js";

/** One notification as it arrived. */
export interface CapturedPost {
  /** The body's bytes, decoded as UTF-8 and otherwise untouched. */
  readonly rawBody: string;
  /** Every header as Node received it, names lower-case. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A running capture server. */
export interface CaptureServer {
  readonly url: string;
  /** Every POST so far, in arrival order. */
  readonly posts: () => CapturedPost[];
  stop(): Promise<void>;
}

/**
 * Which provider sent a request, by the headers the sandbox signs with: X-GatePay-* for GatePay, `sign`
 * for PayerMax, none for DaxPay (it signs inside the body). The same rule the notification handler uses.
 */
function acknowledgementFor(headers: IncomingMessage["headers"]): { body: string; type: string } {
  if (headers["x-gatepay-signature"] !== undefined) {
    return { body: GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT, type: "application/json" };
  }
  if (headers.sign !== undefined) {
    return { body: PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT, type: "application/json" };
  }
  return { body: DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT, type: "text/plain; charset=utf-8" };
}

/** Starts the capture server on 127.0.0.1. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const posts: CapturedPost[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers[name] = value;
      }
      posts.push({ rawBody: Buffer.concat(chunks).toString("utf8"), headers });
      const { body, type } = acknowledgementFor(request.headers);
      response.writeHead(200, { "content-type": type }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    posts: () => [...posts],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
