// A loopback HTTP server that answers every request on a known path with a prebuilt response (bytes,
// status and headers fixed at start-up, signatures included). It does no crypto and no parsing, so
// every contender of the peers section meets the same, cheapest possible server.
//
// Runs in a child process (its own core on this 2-core machine): the parent sends `{ routes }` over
// IPC, the child answers `{ port }`, and exits when the parent disconnects.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

interface StartMessage {
  readonly routes: Readonly<Record<string, CannedResponse>>;
}

function serve(routes: Readonly<Record<string, CannedResponse>>): Promise<number> {
  const prebuilt = new Map(
    Object.entries(routes).map(([path, response]) => {
      const body = Buffer.from(response.body, "utf8");
      const headers = { ...response.headers, "content-length": String(body.byteLength) };
      return [path, { status: response.status, headers, body }] as const;
    }),
  );
  const server = createServer((request, response) => {
    // Drain the body before answering, as any real server must.
    request.resume();
    request.on("end", () => {
      const canned = prebuilt.get(request.url ?? "");
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
export function startCannedServer(routes: Readonly<Record<string, CannedResponse>>): Promise<CannedServer> {
  const child = fork(fileURLToPath(import.meta.url), ["--child"], {
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

if (process.argv.includes("--child") && process.send !== undefined) {
  process.once("message", async (message) => {
    const port = await serve((message as StartMessage).routes);
    process.send?.({ port });
  });
  process.once("disconnect", () => process.exit(0));
}
