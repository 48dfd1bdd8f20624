// A lean HTTP/1.1 POST over keep-alive connections (node:http): the transport of the peers section's
// limit, and the sandbox section's load generator. Node 20's fetch costs several times more CPU per
// request, and on this 2-core machine a fetch-based load generator saturates its own core before the
// server under test does.
import { Agent, type IncomingHttpHeaders, request } from "node:http";
import type { WireRequest } from "./protocols.js";

/** A keep-alive pool of at most `sockets` connections. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** Sends `wire` to `baseUrl` and resolves with the status, the headers (names lower-cased) and the body text. */
export function post(
  agent: Agent,
  baseUrl: URL,
  wire: WireRequest,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolveResponse, reject) => {
    const body = Buffer.from(wire.body, "utf8");
    const outgoing = request(
      {
        agent,
        host: baseUrl.hostname,
        port: baseUrl.port,
        method: wire.method,
        path: wire.path,
        headers: { ...wire.headers, "content-length": String(body.byteLength) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolveResponse({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
