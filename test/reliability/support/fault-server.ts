// A real loopback HTTP server (127.0.0.1, port 0) that misbehaves on purpose. It reads each request
// in full, records it as an arrival, then hands the exchange to the fault. close() ends every
// connection, so a fault that never answers cannot keep a test waiting.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as it reached the server. */
export interface Arrival {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The exact body text received. */
  readonly body: string;
  /** performance.now() when the body had been read. */
  readonly at: number;
}

/** What a fault gets for each request. */
export interface FaultExchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly arrival: Arrival;
}

/** Answers (or refuses to answer) one request. */
export type Fault = (exchange: FaultExchange) => void;

/** A running fault server. */
export interface FaultServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly arrivals: readonly Arrival[];
  /** Arrivals at one path. */
  arrivalsAt(path: string): Arrival[];
  close(): Promise<void>;
}

/** Starts a server that applies `fault` to every request. */
export async function startFaultServer(fault: Fault): Promise<FaultServer> {
  const arrivals: Arrival[] = [];
  const server = createServer((request, response) => {
    response.on("error", () => {});
    request.on("error", () => {});
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const arrival: Arrival = {
        path: new URL(request.url ?? "/", "http://fault.invalid").pathname,
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: performance.now(),
      };
      arrivals.push(arrival);
      fault({ request, response, arrival });
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  // Longer than the client's own keep-alive, so the client always closes an idle connection first.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    arrivalsAt: (path) => arrivals.filter((arrival) => arrival.path === path),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** A URL where nothing listens: a port that was free a moment ago (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
