// Load: 2,000 cancels through the real clients at concurrency 64 against the sandbox, over orders
// seeded in every state (unpaid, paid, already cancelled or closed, unknown), each order cancelled
// one to four times at once. Every order must end in exactly one final state, none lost, none changed
// twice, and every client result must agree with the sandbox's own records. DaxPay 2.0.8 answers a
// paid, closed or cancelled order alike (signed data.code 1 "not in progress"), and a cancel that
// meets another cancel of the same order holding its lock with 10007.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PayClientError, ProviderRejectedError } from "../../src/core/errors.js";
import type { RequestEvent, ResponseEvent } from "../../src/core/hooks.js";
import { DAXPAY_CODE, DAXPAY_MESSAGE } from "../../src/daxpay/codes.js";
import {
  type Sandbox,
  type SandboxOrderKind,
  type SandboxOrderRecord,
  startSandbox,
} from "../../src/sandbox/index.js";
import { type ClientSet, createClients } from "./support/clients.js";
import { reliabilityCredentials } from "./support/credentials.js";
import { writeFigures } from "./support/figures.js";
import { LeakWatch } from "./support/leaks.js";

const startedAt = performance.now();
const REQUESTS = 2_000;
const CONCURRENCY = 64;
const credentials = reliabilityCredentials();
const leaks = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);
const stopWatchingConsole = leaks.watchConsole();

/** Where an order starts, in words common to the four kinds of order. */
type Start = "unpaid" | "paid" | "closed" | "cancelled" | "unknown";

/** What one cancel call reported, in words common to all operations. */
type Reported =
  | "applied" // this call cancelled or closed the order
  | "repeat" // PayerMax: the same requestId again, answered with the stored outcome
  | "done" // GatePay cancelRecharge: success, whether this call or an earlier one cancelled
  | "already" // already cancelled or closed
  | "paid" // refused: the order is paid
  | "not in progress" // DaxPay: refused, the order is paid, closed or cancelled (one answer for all three)
  | "in progress" // DaxPay 10007: another cancel of this order holds its lock
  | "not found";

interface Target {
  readonly kind: SandboxOrderKind;
  readonly start: Start;
  /** The order's main id (prepayId, orderId, orderNo, outTradeNo), or an unknown one. */
  readonly id: string;
  /** A second id where the order has one (merchantTradeNo, bizOrderNo), used by every other call. */
  readonly otherId: string | undefined;
  /** How many cancels it gets, all at once. */
  readonly copies: number;
  /** PayerMax: whether its copies share one requestId (the idempotent path) or each have their own. */
  readonly sharedRequestId: boolean;
}

interface Call {
  readonly target: Target;
  readonly copy: number;
}

interface Result {
  readonly call: Call;
  readonly reported: Reported | `error: ${string}`;
  /** PayerMax's cancelNo, to compare with the sandbox's cancel record. */
  readonly cancelNo?: string | undefined;
}

const STARTS: Readonly<Record<SandboxOrderKind, readonly Start[]>> = {
  gatepayPrepayOrder: ["unpaid", "paid", "closed", "unknown"],
  gatepayRecharge: ["unpaid", "paid", "cancelled", "unknown"],
  daxpayOrder: ["unpaid", "paid", "closed", "cancelled", "unknown"],
  payermaxOrder: ["unpaid", "paid", "cancelled", "unknown"],
};

/** The sandbox's status for a seeded start, per kind. */
const SEED_STATUS: Readonly<Record<SandboxOrderKind, Partial<Record<Start, string>>>> = {
  gatepayPrepayOrder: { unpaid: "PENDING", paid: "PAID", closed: "CLOSED" },
  gatepayRecharge: { unpaid: "PENDING", paid: "PAID", cancelled: "CANCELLED" },
  daxpayOrder: { unpaid: "progress", paid: "success", closed: "close", cancelled: "cancel" },
  payermaxOrder: { unpaid: "AUTHORIZED", paid: "CAPTURED", cancelled: "CANCELLED" },
};

/** Where an unpaid order ends once cancelled. */
const CANCELLED_STATUS: Readonly<Record<SandboxOrderKind, string>> = {
  gatepayPrepayOrder: "CLOSED",
  gatepayRecharge: "CANCELLED",
  daxpayOrder: "cancel",
  payermaxOrder: "CANCELLED",
};

const KINDS = Object.keys(STARTS) as SandboxOrderKind[];

let sandbox: Sandbox;
let clients: ClientSet;
const attempts: RequestEvent[] = [];
/** Attempts that ended without any answer (a pooled connection reset): the only ones a client may retry here. */
const unanswered: ResponseEvent[] = [];
let targets: Target[] = [];
let results: Result[] = [];
let maxInFlight = 0;
let loadMs = 0;

/** Seeds orders round-robin over kinds and starts, 1 to 4 copies each, until the copies add up to REQUESTS. */
function seedTargets(): Target[] {
  const seeded: Target[] = [];
  let total = 0;
  for (let index = 0; total < REQUESTS; index++) {
    const kind = KINDS[index % KINDS.length] as SandboxOrderKind;
    const starts = STARTS[kind];
    const start = starts[Math.floor(index / KINDS.length) % starts.length] as Start;
    const copies = Math.min(1 + (index % 4), REQUESTS - total);
    total += copies;
    const status = SEED_STATUS[kind][start];
    const sharedRequestId = index % 3 === 0;
    if (start === "unknown") {
      seeded.push({
        kind,
        start,
        id: `UNKNOWN-${index}`,
        otherId: `UNKNOWN-B-${index}`,
        copies,
        sharedRequestId,
      });
      continue;
    }
    switch (kind) {
      case "gatepayPrepayOrder": {
        const order = sandbox.seed.gatepayPrepayOrder({ status: status as "PENDING" });
        seeded.push({
          kind,
          start,
          id: order.prepayId,
          otherId: order.merchantTradeNo,
          copies,
          sharedRequestId,
        });
        break;
      }
      case "gatepayRecharge": {
        const order = sandbox.seed.gatepayRecharge({ status: status as "PENDING" });
        seeded.push({ kind, start, id: order.orderId, otherId: undefined, copies, sharedRequestId });
        break;
      }
      case "daxpayOrder": {
        const order = sandbox.seed.daxpayOrder({ status: status as "progress" });
        seeded.push({ kind, start, id: order.orderNo, otherId: order.bizOrderNo, copies, sharedRequestId });
        break;
      }
      case "payermaxOrder": {
        const order = sandbox.seed.payermaxOrder({ status: status as "AUTHORIZED" });
        seeded.push({ kind, start, id: order.outTradeNo, otherId: undefined, copies, sharedRequestId });
        break;
      }
    }
  }
  return seeded;
}

/** The id a copy uses: even copies the main id, odd ones the second id where there is one. */
function idOf(call: Call): string {
  return call.copy % 2 === 1 && call.target.otherId !== undefined ? call.target.otherId : call.target.id;
}

/** Makes one call and reads its answer in the common words; an unexpected error is reported as such. */
async function cancel(call: Call): Promise<Result> {
  const { target } = call;
  try {
    switch (target.kind) {
      case "gatepayPrepayOrder": {
        const closed = await clients.gatepay.closeOrder(
          call.copy % 2 === 1 ? { merchantTradeNo: idOf(call) } : { prepayId: idOf(call) },
        );
        return { call, reported: closed.alreadyClosed ? "already" : "applied" };
      }
      case "gatepayRecharge": {
        await clients.gatepay.cancelRecharge({ orderId: target.id });
        return { call, reported: "done" };
      }
      case "daxpayOrder": {
        const cancelled = await clients.daxpay.cancel(
          call.copy % 2 === 1 ? { bizOrderNo: idOf(call) } : { orderNo: idOf(call) },
        );
        return { call, reported: cancelled.possiblyAlreadyCancelled ? "already" : "applied" };
      }
      case "payermaxOrder": {
        const requestId = target.sharedRequestId ? `C-${target.id}` : `C-${target.id}-${call.copy}`;
        const answer = await clients.payermax.cancel({ requestId, outTradeNo: target.id });
        const reported: Reported =
          answer.status === "PENDING"
            ? "applied"
            : answer.status === "SUCCESS"
              ? "repeat"
              : answer.data.errorMsg === "order already captured"
                ? "paid"
                : "already";
        return { call, reported, cancelNo: answer.data.cancelNo };
      }
    }
  } catch (error) {
    leaks.check(`${target.kind} cancel`, error);
    return { call, reported: rejectionAsReported(target.kind, error) };
  }
}

/** The refusals that describe the order, in the common words; anything else is an error result. */
function rejectionAsReported(kind: SandboxOrderKind, error: unknown): Result["reported"] {
  if (!(error instanceof ProviderRejectedError) || error.type !== "provider_rejected") {
    return `error: ${error instanceof PayClientError ? error.type : String(error)}`;
  }
  const code = error.providerCode;
  if (kind === "daxpayOrder") return daxPayRejectionAsReported(error);
  const word: Record<string, Reported> =
    kind === "payermaxOrder" ? { PARAMS_INVALID: "not found" } : { "400202": "not found", "400204": "paid" };
  const reported = word[code];
  if (reported === "paid" && (error.raw as { label?: string } | null)?.label === "ORDER_CLOSED")
    return "already";
  return reported ?? `error: ${code}`;
}

/** DaxPay's refusals: the signed data.code 1 says why in data.msg; 10007 is the cancel lock. */
function daxPayRejectionAsReported(error: ProviderRejectedError): Result["reported"] {
  const code = error.providerCode;
  if (code === String(DAXPAY_CODE.repetitiveOperation)) return "in progress";
  if (code === String(DAXPAY_CODE.businessFailure) && error.verified) {
    const message = (error.raw as { data?: { msg?: unknown } }).data?.msg;
    if (message === DAXPAY_MESSAGE.notInProgress) return "not in progress";
    if (message === DAXPAY_MESSAGE.orderNotFound) return "not found";
  }
  return `error: ${code}`;
}

/** Runs every call with at most CONCURRENCY in flight; copies of one order are queued side by side. */
async function runAll(calls: readonly Call[]): Promise<Result[]> {
  const out: Result[] = [];
  let next = 0;
  let inFlight = 0;
  async function worker(): Promise<void> {
    while (next < calls.length) {
      const call = calls[next++] as Call;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      out.push(await cancel(call));
      inFlight -= 1;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return out;
}

/** A fixed shuffle of the targets (so kinds and states interleave), copies kept together. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 7;
  for (let index = out.length - 1; index > 0; index--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const other = seed % (index + 1);
    [out[index], out[other]] = [out[other] as T, out[index] as T];
  }
  return out;
}

/** The id a target names an order by (see seedTargets). */
function mainIdOf(record: SandboxOrderRecord): string {
  switch (record.kind) {
    case "gatepayPrepayOrder":
      return record.prepayId;
    case "gatepayRecharge":
      return record.orderId;
    case "daxpayOrder":
      return record.orderNo;
    case "payermaxOrder":
      return record.outTradeNo;
  }
}

function recordOf(target: Target, records: readonly SandboxOrderRecord[]): SandboxOrderRecord | undefined {
  return records.find((record) => record.kind === target.kind && mainIdOf(record) === target.id);
}

/**
 * What the copies of one target must report, given where it started: exact counts by word, and for
 * the copies not counted there, the words each may report (which one depends on timing).
 */
interface ExpectedReports {
  readonly exactly: Partial<Record<Reported, number>>;
  readonly othersFrom?: readonly Reported[];
}

function expectedReports(target: Target): ExpectedReports {
  const exact = (exactly: Partial<Record<Reported, number>>): ExpectedReports => ({ exactly });
  const { copies, kind, start } = target;
  if (start === "unknown") return exact({ "not found": copies });
  if (kind === "daxpayOrder") {
    if (start !== "unpaid") return exact({ "not in progress": copies });
    // The others met the first cancel holding the order's lock (10007), or came after it.
    return { exactly: { applied: 1 }, othersFrom: ["in progress", "not in progress"] };
  }
  if (start === "paid") return exact({ paid: copies });
  if (kind === "gatepayRecharge") return exact({ done: copies });
  if (start !== "unpaid") return exact({ already: copies });
  if (kind === "payermaxOrder") {
    return target.sharedRequestId
      ? exact({ applied: 1, ...(copies > 1 ? { repeat: copies - 1 } : {}) })
      : exact({ applied: 1, ...(copies > 1 ? { already: copies - 1 } : {}) });
  }
  return exact({ applied: 1, ...(copies > 1 ? { already: copies - 1 } : {}) });
}

function tallyOf(words: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const word of words) counts[word] = (counts[word] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  // A little latency on every answer keeps all 64 calls genuinely in flight at once.
  sandbox = await startSandbox({ credentials: credentials.input, paymentDelayMs: 2 });
  clients = createClients(sandbox.url, sandbox.credentials, {
    onRequest: (event) => attempts.push(event),
    onResponse: (event) => {
      if (event.error === "network") unanswered.push(event);
    },
  });
  targets = seedTargets();
  const calls = shuffled(targets).flatMap((target) =>
    Array.from({ length: target.copies }, (_, copy): Call => ({ target, copy })),
  );
  const started = performance.now();
  results = await runAll(calls);
  loadMs = performance.now() - started;
}, 60_000);

afterAll(async () => {
  stopWatchingConsole();
  const records = sandbox.orders();
  await sandbox.stop();
  writeFigures(
    "load",
    {
      requests: results.length,
      attempts: attempts.length,
      retriedAfterNoAnswer: unanswered.length,
      concurrency: CONCURRENCY,
      maxInFlight,
      orders: targets.length,
      seededOrders: records.length,
      lost: REQUESTS - results.filter((result) => !result.reported.startsWith("error")).length,
      daxpayLockMet: results.filter((result) => result.reported === "in progress").length,
      appliedTwice: records.filter((record) => record.stateChanges > 1).length,
      loadMs: Math.round(loadMs),
    },
    startedAt,
    leaks,
  );
});

describe(`${REQUESTS} cancels at concurrency ${CONCURRENCY} over orders in every state`, () => {
  it("all ran, 64 at a time, each in one attempt (one more only when a connection gave no answer at all), with no answer lost or unusable", () => {
    expect(results).toHaveLength(REQUESTS);
    expect(maxInFlight).toBe(CONCURRENCY);
    // No answer was ever retried; an attempt with no answer (NetworkError) is retried once, as a
    // cancel may be. Under load Node's keep-alive pool can reuse a connection the sandbox has just
    // closed as idle; the figure retriedAfterNoAnswer shows how often.
    expect(attempts.filter((event) => event.attempt > 1)).toHaveLength(unanswered.length);
    expect(attempts).toHaveLength(REQUESTS + unanswered.length);
    expect(unanswered.every((event) => event.attempt === 1)).toBe(true);
    expect(results.filter((result) => result.reported.startsWith("error"))).toStrictEqual([]);
    const mix = tallyOf(results.map((result) => `${result.call.target.kind} ${result.call.target.start}`));
    for (const kind of KINDS)
      for (const start of STARTS[kind]) expect(mix[`${kind} ${start}`]).toBeGreaterThan(0);
    expect(targets.filter((target) => target.copies > 1).length).toBeGreaterThan(targets.length / 2);
    // DaxPay's cancel lock was met: concurrent copies of an unpaid order were answered 10007.
    expect(results.filter((result) => result.reported === "in progress").length).toBeGreaterThan(0);
  });

  it("every order ends in exactly one final state: unpaid ones cancelled once, the others untouched", () => {
    const records = sandbox.orders();
    // No order appeared or vanished.
    expect(records).toHaveLength(targets.filter((target) => target.start !== "unknown").length);
    for (const target of targets) {
      const record = recordOf(target, records);
      if (target.start === "unknown") {
        expect(record).toBeUndefined();
        continue;
      }
      const seeded = SEED_STATUS[target.kind][target.start];
      const changedBy = record?.history.filter((change) => change.via !== "seed") ?? [];
      if (target.start === "unpaid") {
        expect({ status: record?.status, stateChanges: record?.stateChanges }).toStrictEqual({
          status: CANCELLED_STATUS[target.kind],
          stateChanges: 1,
        });
        expect(changedBy).toHaveLength(1);
      } else {
        expect({ status: record?.status, stateChanges: record?.stateChanges }).toStrictEqual({
          status: seeded,
          stateChanges: 0,
        });
        expect(changedBy).toStrictEqual([]);
      }
    }
    expect(records.filter((record) => record.stateChanges > 1)).toStrictEqual([]);
  });

  it("the clients' results agree with the sandbox: one 'applied' per cancelled order, the right refusal for every other call", () => {
    const byTarget = new Map<Target, Result[]>();
    for (const result of results)
      byTarget.set(result.call.target, [...(byTarget.get(result.call.target) ?? []), result]);
    const records = sandbox.orders();
    for (const target of targets) {
      const reported = (byTarget.get(target) ?? []).map((result) => result.reported);
      const { exactly, othersFrom = [] } = expectedReports(target);
      const counted = reported.filter((word) => word in exactly);
      const others = reported.filter((word) => !(word in exactly));
      expect({
        id: target.id,
        copies: reported.length,
        exactly: tallyOf(counted),
        unexpected: others.filter((word) => !(othersFrom as readonly string[]).includes(word)),
      }).toStrictEqual({ id: target.id, copies: target.copies, exactly, unexpected: [] });
      const record = recordOf(target, records);
      const applied = reported.filter((word) => word === "applied").length;
      if (record !== undefined && target.kind !== "gatepayRecharge")
        expect(applied).toBe(record.stateChanges);
    }
  });

  it("PayerMax's cancel records match what its clients were told: one record per requestId, the same cancelNo on every repeat", () => {
    const records = sandbox.orders("payermaxOrder");
    for (const target of targets.filter((t) => t.kind === "payermaxOrder" && t.start !== "unknown")) {
      const record = records.find((r) => r.outTradeNo === target.id);
      const told = results.filter((result) => result.call.target === target);
      if (target.sharedRequestId) {
        expect(record?.cancels).toHaveLength(1);
        expect(record?.cancels[0]?.answers).toBe(target.copies);
        expect(new Set(told.map((result) => result.cancelNo))).toStrictEqual(
          new Set([record?.cancels[0]?.cancelNo]),
        );
      } else {
        expect(record?.cancels).toHaveLength(target.copies);
        expect(told.map((result) => result.cancelNo).sort()).toStrictEqual(
          (record?.cancels ?? []).map((cancel) => cancel.cancelNo).sort(),
        );
      }
      const succeeded = (record?.cancels ?? []).filter((cancel) => cancel.outcome === "SUCCESS");
      expect(succeeded).toHaveLength(target.start === "unpaid" ? 1 : 0);
    }
  });

  it("nothing is printed, and no secret or key material appears in any error, hook event or serialized client", () => {
    for (const client of Object.values(clients)) leaks.check(`${client.provider} client`, client);
    for (const event of attempts) leaks.check("hook event", event);
    expect(leaks.findings()).toStrictEqual([]);
    expect(leaks.checked).toBeGreaterThan(REQUESTS / 2);
    // Nothing was printed at all: no console line, no process warning (such as a listener-leak one).
    expect(leaks.consoleLines).toBe(0);
  });
});
