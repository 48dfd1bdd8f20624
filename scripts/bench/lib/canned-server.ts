// A loopback HTTP server that answers every request on a known path with a prebuilt response (bytes,
// status and headers fixed at start-up, signatures included). It parses nothing and does no crypto per
// request, so every contender of the peers section meets the same, cheapest possible server. The one
// exception is DaxPay's answer, whose signed `data.resTime` clients refuse once it is seconds old: it is
// re-signed once per second of the clock, not per request.
//
// Runs in a child process (its own core on this 2-core machine): the parent sends `{ routes }` over
// IPC, the child answers `{ port }`, and exits when the parent disconnects.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { daxPayCancelAnswer } from "./protocols.js";

const root = resolve(import.meta.dirname, "..", "..", "..");

/** One prebuilt answer. */
export interface CannedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface CannedServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** A DaxPay success answer whose `data` (code 0, resTime = the current second) is signed with `secret`. */
export interface FreshDaxPayAnswer {
  readonly freshDaxPay: { readonly secret: string };
}

/** What the server answers on one path. */
export type CannedRoute = CannedResponse | FreshDaxPayAnswer;

/** The answer `route` gives at clock reading `nowMs`. */
export function cannedAnswerAt(route: CannedRoute, nowMs: number): CannedResponse {
  if (!("freshDaxPay" in route)) return route;
  const { secret } = route.freshDaxPay;
  return daxPayCancelAnswer({ secret, key: Buffer.from(secret, "utf8") }, Math.floor(nowMs / 1000));
}

interface StartMessage {
  readonly routes: Readonly<Record<string, CannedRoute>>;
}

interface Prebuilt {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function prebuild(response: CannedResponse): Prebuilt {
  const body = Buffer.from(response.body, "utf8");
  return {
    status: response.status,
    headers: { ...response.headers, "content-length": String(body.byteLength) },
    body,
  };
}

function serve(routes: Readonly<Record<string, CannedRoute>>): Promise<number> {
  // Per path: the bytes, and the second they were built for (null: valid for ever).
  const prebuilt = new Map(
    Object.entries(routes).map(([path, route]) => {
      const fresh = "freshDaxPay" in route;
      return [
        path,
        {
          second: fresh ? Math.floor(Date.now() / 1000) : null,
          bytes: prebuild(cannedAnswerAt(route, Date.now())),
        },
      ];
    }),
  );
  const answer = (path: string): Prebuilt | undefined => {
    const entry = prebuilt.get(path);
    const route = routes[path];
    if (entry === undefined || route === undefined || entry.second === null) return entry?.bytes;
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== entry.second) {
      entry.second = second;
      entry.bytes = prebuild(cannedAnswerAt(route, now));
    }
    return entry.bytes;
  };
  const server = createServer((request, response) => {
    // Drain the body before answering, as any real server must.
    request.resume();
    request.on("end", () => {
      const canned = answer(request.url ?? "");
      if (canned === undefined) {
        response.writeHead(404, { "content-type": "text/plain" }).end("no canned response");
        return;
      }
      response.writeHead(canned.status, canned.headers).end(canned.body);
    });
  });
  server.keepAliveTimeout = 120_000;
  return new Promise((resolvePort) => {
    server.listen(0, "127.0.0.1", () => resolvePort((server.address() as AddressInfo).port));
  });
}

/** Starts the server in a child process and resolves once it listens. */
export function startCannedServer(routes: Readonly<Record<string, CannedRoute>>): Promise<CannedServer> {
  const child = fork(fileURLToPath(import.meta.url), ["--canned-server"], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolveServer, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`canned server exited early (code ${code})`)));
    child.once("message", (message) => {
      const { port } = message as { port: number };
      child.removeAllListeners("exit");
      resolveServer({
        url: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise((resolveStop) => {
            child.once("exit", () => resolveStop());
            child.disconnect();
          }),
      });
    });
    child.send({ routes } satisfies StartMessage);
  });
}

if (process.argv.includes("--canned-server") && process.send !== undefined) {
  process.once("message", async (message) => {
    const port = await serve((message as StartMessage).routes);
    process.send?.({ port });
  });
  process.once("disconnect", () => process.exit(0));
}
