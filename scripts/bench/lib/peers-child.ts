// One runtime's share of the peers section, run in a child process under that runtime's node binary
// (`fork` with `execPath`): the parent sends `{ url, fixture, settings }` over IPC and receives the
// measured providers back. Per provider: first a byte check (every contender, with a fixed clock and
// nonce, against an in-process capture server: same path, body and protocol headers as the limit, and
// the answer accepted), then median latency of sequential calls and requests/s at the set concurrency,
// every contender interleaved with the others, against the parent's canned server.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { cannedAnswerAt } from "./canned-server.js";
import { CONTENDER_NAMES, type ContenderName } from "./contender-names.js";
import { type Call, contenders } from "./contenders.js";
import { PEER_OPERATIONS, type PeerFixture, type PeerProvider, peerRoutes } from "./fixture.js";
import { interleavedLatency, interleavedThroughput } from "./measure.js";
import { round } from "./stats.js";

export interface PeerSettings {
  readonly concurrency: number;
  /** Sampling budget of the latency loop per provider, all contenders together. */
  readonly latencyMs: number;
  readonly roundMs: number;
  readonly rounds: number;
}

export interface ContenderFigures {
  readonly name: ContenderName;
  readonly status: "ok" | "error";
  readonly error?: string;
  /** Median latency of sequential calls, µs. */
  readonly p50Us?: number;
  /** Median requests/s over the rounds, at `concurrency` concurrent loops. */
  readonly rps?: number;
  /** Cost against the limit by latency: p50 / limit p50 (1.00 = as fast as the limit). */
  readonly latencyRatio?: number;
  /** Cost against the limit by throughput: limit req/s / req/s (1.00 = as fast as the limit). */
  readonly rpsRatio?: number;
  /**
   * This process's CPU µs per completed call during the throughput rounds (median): the client's own
   * cost, which other load on the machine moves far less than wall-clock figures.
   */
  readonly cpuUsPerCall?: number;
}

export interface PeerProviderRow {
  readonly provider: PeerProvider;
  readonly operation: string;
  readonly status: "ok" | "error";
  readonly error?: string;
  /** Latency samples per contender. */
  readonly samples?: number;
  /** Per contender, how its request differed from the limit's given the same clock and nonce (none: same bytes). */
  readonly byteDifferences: Partial<Record<ContenderName, string[]>>;
  readonly contenders: ContenderFigures[];
}

export interface ChildStart {
  readonly url: string;
  readonly fixture: PeerFixture;
  readonly settings: PeerSettings;
}

export interface ChildResult {
  readonly node: string;
  readonly providers: PeerProviderRow[];
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

interface Captured {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback server in this process that keeps the last request and answers as the canned server would at `answerAtMs`. */
async function startCapture(
  fixture: PeerFixture,
  answerAtMs: number,
): Promise<{ url: string; last: () => Captured | undefined; stop: () => Promise<void> }> {
  const routes = peerRoutes(fixture);
  let last: Captured | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      last = {
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const route = routes[request.url ?? ""];
      if (route === undefined) {
        response.writeHead(404).end();
        return;
      }
      const canned = cannedAnswerAt(route, answerAtMs);
      response.writeHead(canned.status, canned.headers).end(canned.body);
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    last: () => last,
    stop: () =>
      new Promise((resolveStop) => {
        server.closeAllConnections();
        server.close(() => resolveStop());
      }),
  };
}

/** Each contender's differences from the limit's request, with the same fixed clock and nonce. */
async function checkBytes(
  provider: PeerProvider,
  fixture: PeerFixture,
): Promise<Partial<Record<ContenderName, string[]>>> {
  // One clock reading for the whole check: recent, since clients refuse answers signed far from their clock.
  const now = Date.now();
  const nonce = "0123456789abcdef0123456789abcdef";
  const capture = await startCapture(fixture, now);
  const differences: Partial<Record<ContenderName, string[]>> = {};
  try {
    const { protocol, calls } = contenders(provider, fixture, capture.url, {
      now: () => now,
      nonce: () => nonce,
    });
    const expected = protocol.request(now, nonce);
    for (const name of CONTENDER_NAMES) {
      const found: string[] = [];
      try {
        await calls[name]();
        const got = capture.last();
        if (got === undefined) throw new Error("no request arrived");
        if (got.path !== expected.path) found.push(`path: ${got.path}, limit ${expected.path}`);
        if (got.body !== expected.body) found.push(`body: ${got.body}, limit ${expected.body}`);
        // The protocol's headers only: each transport adds its own (host, connection, user-agent, ...).
        for (const [header, value] of Object.entries(expected.headers)) {
          const sent = got.headers[header.toLowerCase()];
          if (sent !== value) found.push(`header ${header}: ${String(sent)}, limit ${value}`);
        }
      } catch (error) {
        found.push(`call failed: ${describe(error)}`);
      }
      if (found.length > 0) differences[name] = found;
    }
  } finally {
    await capture.stop();
  }
  return differences;
}

async function measureProvider(
  provider: PeerProvider,
  operation: string,
  start: ChildStart,
  log: (line: string) => void,
): Promise<PeerProviderRow> {
  const byteDifferences = await checkBytes(provider, start.fixture);
  for (const [name, list] of Object.entries(byteDifferences)) {
    for (const difference of list ?? []) log(`${provider}: ${name} differs from the limit: ${difference}`);
  }
  const { calls } = contenders(provider, start.fixture, start.url);
  // A contender whose call fails is reported, not measured: a failing call is not a figure.
  const errors = new Map<ContenderName, string>();
  for (const name of CONTENDER_NAMES) {
    try {
      await calls[name]();
    } catch (error) {
      errors.set(name, describe(error));
      log(`${provider}: ${name} failed: ${describe(error)}`);
    }
  }
  const measured = CONTENDER_NAMES.filter((name) => !errors.has(name));
  const runs: Call[] = measured.map((name) => calls[name]);
  // RSA signing costs ~1 ms a call here: fewer warm-up calls for PayerMax keep the section's time flat.
  const warmup = provider === "payermax" ? 40 : 100;
  const latency = await interleavedLatency(
    runs.map((run) => ({ run })),
    { warmup, minSamples: 100, maxSamples: 3000, timeMs: start.settings.latencyMs },
  );
  const rates = await interleavedThroughput(
    runs.map((run) => ({ run })),
    {
      concurrency: start.settings.concurrency,
      roundMs: start.settings.roundMs,
      rounds: start.settings.rounds,
    },
  );
  const p50 = new Map(measured.map((name, i) => [name, (latency.medians[i] ?? Number.NaN) * 1000] as const));
  const rps = new Map(measured.map((name, i) => [name, rates[i]?.rps ?? Number.NaN] as const));
  const cpu = new Map(measured.map((name, i) => [name, rates[i]?.cpuUsPerCall ?? Number.NaN] as const));
  const limitP50 = p50.get("limit") ?? Number.NaN;
  const limitRps = rps.get("limit") ?? Number.NaN;
  const figures: ContenderFigures[] = CONTENDER_NAMES.map((name) => {
    const error = errors.get(name);
    if (error !== undefined) return { name, status: "error", error };
    const us = p50.get(name) ?? Number.NaN;
    const rate = rps.get(name) ?? Number.NaN;
    return {
      name,
      status: "ok",
      p50Us: round(us, 1),
      rps: Math.round(rate),
      latencyRatio: round(us / limitP50, 3),
      rpsRatio: round(limitRps / rate, 3),
      cpuUsPerCall: round(cpu.get(name) ?? Number.NaN, 1),
    };
  });
  log(
    `${provider}: ${figures
      .map((f) => (f.status === "ok" ? `${f.name} ${f.p50Us} µs ${f.rps} req/s` : `${f.name} error`))
      .join(", ")}`,
  );
  return {
    provider,
    operation,
    status: "ok",
    samples: latency.samples,
    byteDifferences,
    contenders: figures,
  };
}

/** Measures every provider operation; a provider that fails is reported with its error. */
export async function measurePeers(start: ChildStart, log: (line: string) => void): Promise<ChildResult> {
  const providers: PeerProviderRow[] = [];
  for (const { provider, operation } of PEER_OPERATIONS) {
    try {
      providers.push(await measureProvider(provider, operation, start, log));
    } catch (error) {
      log(`${provider}: failed: ${describe(error)}`);
      providers.push({
        provider,
        operation,
        status: "error",
        error: describe(error),
        byteDifferences: {},
        contenders: [],
      });
    }
  }
  return { node: process.version, providers };
}

if (process.argv.includes("--peers-child") && process.send !== undefined) {
  const label = `peers [node ${process.version}]`;
  const log = (line: string): void => {
    process.stderr.write(`${label}: ${line}\n`);
  };
  process.once("message", async (message) => {
    const result = await measurePeers(message as ChildStart, log);
    // Exit once sent: a keep-alive pool a contender still holds must not keep this process alive.
    process.send?.(result, () => process.exit(0));
  });
}
