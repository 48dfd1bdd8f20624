// peers: for each provider operation, payclients against the limit of a correct client and the
// libraries a user would pick instead, side by side in one run, on Node 20 and Node 24 (issue 12).
// Contenders (lib/contenders.ts): the limit (node:http keep-alive + the protocol's crypto, the bench's
// own code), raw fetch + the same crypto, got, axios, ky, openapi-fetch with signing middleware, and
// payclients through its public API. One canned loopback server (its own process, lib/canned-server.ts)
// answers each provider's prebuilt success answer, signed where the provider signs, so every contender
// signs the request and verifies the answer. Each runtime runs in its own child (lib/peers-child.ts),
// one after the other, and the parent merges their rows.
import { fork } from "node:child_process";
import { resolve } from "node:path";
import { startCannedServer } from "./lib/canned-server.js";
import { type ContenderName, PEER_NAMES } from "./lib/contender-names.js";
import { makePeerFixture, peerRoutes } from "./lib/fixture.js";
import { benchRuntimes } from "./lib/node-runtimes.js";
import type { ChildResult, ChildStart, PeerProviderRow, PeerSettings } from "./lib/peers-child.js";

const root = resolve(import.meta.dirname, "..", "..");
const childPath = resolve(import.meta.dirname, "lib", "peers-child.ts");

/** The targets of issue 12: ahead of every peer, and at most 1.5x the limit's cost. */
export const PEERS_TARGET_RATIO = 1.5;

const SETTINGS: PeerSettings = { concurrency: 16, latencyMs: 1500, roundMs: 60, rounds: 10 };
/** A runtime's child is stopped if it has not answered by then (a hung call must not hang the bench). */
const CHILD_TIMEOUT_MS = 150_000;

export interface PeerRuntime {
  readonly label: string;
  readonly node?: string;
  readonly status: "ok" | "error";
  readonly error?: string;
  readonly providers: PeerProviderRow[];
}

export interface PeersSection {
  readonly method: string;
  readonly concurrency: number;
  readonly targetRatio: number;
  readonly peers: readonly ContenderName[];
  readonly runtimes: PeerRuntime[];
}

function runChild(execPath: string, start: ChildStart): Promise<ChildResult> {
  const child = fork(childPath, ["--peers-child"], {
    cwd: root,
    execPath,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolveResult, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no result within ${CHILD_TIMEOUT_MS / 1000} s`));
    }, CHILD_TIMEOUT_MS);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited before answering (code ${code}, signal ${signal})`));
    });
    child.once("message", (message) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolveResult(message as ChildResult);
    });
    child.send(start);
  });
}

export async function benchPeers(log: (line: string) => void): Promise<PeersSection> {
  const fixture = makePeerFixture();
  const runtimes = benchRuntimes(log);
  const server = await startCannedServer(peerRoutes(fixture));
  const results: PeerRuntime[] = [];
  try {
    for (const runtime of runtimes) {
      if (runtime.execPath === null) {
        log(`peers: ${runtime.label} skipped: ${runtime.reason ?? "not available"}`);
        results.push({
          label: runtime.label,
          status: "error",
          error: runtime.reason ?? "not available",
          providers: [],
        });
        continue;
      }
      try {
        const result = await runChild(runtime.execPath, { url: server.url, fixture, settings: SETTINGS });
        results.push({ label: runtime.label, node: result.node, status: "ok", providers: result.providers });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`peers: ${runtime.label} failed: ${message}`);
        results.push({ label: runtime.label, status: "error", error: message, providers: [] });
      }
    }
  } finally {
    await server.stop();
  }
  return {
    method:
      "One canned node:http loopback server in its own process answers each provider's prebuilt success " +
      "answer (DaxPay's data.sign and PayerMax's sign header included); every contender signs its request " +
      "and verifies the answer. A byte check first (fixed clock and nonce) confirms every contender sends " +
      "the limit's path, body and protocol headers. Latency: sequential calls, one of each contender per " +
      "iteration in rotating order, medians. Throughput: " +
      `${SETTINGS.concurrency} concurrent loops, ${SETTINGS.rounds} rounds of ${SETTINGS.roundMs} ms per ` +
      "contender in rotating order, medians. Each node binary runs in its own child process, one after " +
      "the other. Ratios are costs against the limit: p50 / limit p50 and limit req/s / req/s.",
    concurrency: SETTINGS.concurrency,
    targetRatio: PEERS_TARGET_RATIO,
    peers: PEER_NAMES,
    runtimes: results,
  };
}
