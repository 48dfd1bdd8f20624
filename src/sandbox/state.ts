// The sandbox's orders and quotes, with each provider's state rules. Every operation here is synchronous
// and does its check and its change in one step: Node runs one of them at a time, so two concurrent
// requests for one order can never both see it unpaid and both cancel it. Handlers must keep it that
// way: never put an `await` between reading an order and changing it.
//
// Inputs are assumed valid (handlers validate requests, admin.ts validates seeds); conflicts between ids
// are checked here because only the store knows which ids exist.

import { randomInt } from "node:crypto";
import type { components as OtcSchemas } from "../../generated/gatepay-otc.js";
import { DAXPAY_CANCELLABLE_CHANNELS, type DAXPAY_CHANNELS } from "../daxpay/codes.js";
import { SandboxInputError } from "./input.js";

type OtcRechargeRequest = OtcSchemas["schemas"]["OtcRechargeRequest"];

/** A GatePay prepay order: PENDING (unpaid), PAID, or CLOSED. */
export type GatePayPrepayStatus = "PENDING" | "PAID" | "CLOSED";
/** A GatePay OTC recharge: PENDING (awaiting the fiat transfer), PAID, or CANCELLED. */
export type GatePayRechargeStatus = "PENDING" | "PAID" | "CANCELLED";
/** A DaxPay 2.x pay order, in DaxPay's own PayStatusEnum codes: progress (unpaid), success (paid), close, cancel, fail. */
export type DaxPayOrderStatus = "progress" | "success" | "close" | "cancel" | "fail";
/** A DaxPay 2.0.8 payment channel (PayChannelEnum); only ali_pay and wechat_pay orders can be cancelled. */
export type DaxPayChannel = (typeof DAXPAY_CHANNELS)[number];
/** A PayerMax auth-capture order: AUTHORIZED (cancellable), CAPTURED (paid), or CANCELLED. */
export type PayerMaxOrderStatus = "AUTHORIZED" | "CAPTURED" | "CANCELLED";

/** Every status vocabulary, for validation. */
export const STATUSES = {
  gatepayPrepayOrder: ["PENDING", "PAID", "CLOSED"],
  gatepayRecharge: ["PENDING", "PAID", "CANCELLED"],
  daxpayOrder: ["progress", "success", "close", "cancel", "fail"],
  payermaxOrder: ["AUTHORIZED", "CAPTURED", "CANCELLED"],
} as const satisfies Record<string, readonly string[]>;

/** Which kind of order a record is; one per provider operation family. */
export type SandboxOrderKind = keyof typeof STATUSES;

/** One entry of an order's history. */
export interface SandboxStateChange {
  /** The status before, or null when the order was created. */
  readonly from: string | null;
  readonly to: string;
  /** The sandbox clock (epoch ms) when it happened. */
  readonly at: number;
  /** What did it: a provider operation (`closeOrder`, `createRecharge`, `cancelRecharge`, `cancel`), `seed` or `setStatus`. */
  readonly via: string;
}

/** Fields every order record has. */
interface OrderRecordBase<K extends SandboxOrderKind> {
  readonly kind: K;
  readonly status: (typeof STATUSES)[K][number];
  /**
   * Status changes made by provider operations on an existing order (a close, a cancel). Creation,
   * seeding and setStatus are not counted, so after a load test every order should show 0 or 1.
   */
  readonly stateChanges: number;
  /** Every change, creation included, oldest first. */
  readonly history: readonly SandboxStateChange[];
}

/** A GatePay prepay order as the sandbox holds it. */
export interface GatePayPrepayOrderRecord extends OrderRecordBase<"gatepayPrepayOrder"> {
  readonly prepayId: string;
  readonly merchantTradeNo: string;
}

/** A GatePay OTC recharge as the sandbox holds it. */
export interface GatePayRechargeRecord extends OrderRecordBase<"gatepayRecharge"> {
  readonly orderId: string;
  readonly otcOrderId: string;
  /** The quote it was created from; null when seeded. */
  readonly quoteToken: string | null;
  readonly bankId: string;
  readonly currency: OtcRechargeRequest["currency"];
  readonly amount: string;
  readonly fiatCurrency: OtcRechargeRequest["fiatCurrency"];
  readonly fiatAmount: string;
  readonly cfRate: string;
  readonly promoCode: string | null;
  readonly transferRemark: string;
  /** Epoch ms. */
  readonly createTime: number;
}

/** A DaxPay pay order as the sandbox holds it. */
export interface DaxPayOrderRecord extends OrderRecordBase<"daxpayOrder"> {
  /** DaxPay's order number. */
  readonly orderNo: string;
  /** The merchant's order number. */
  readonly bizOrderNo: string;
  /** The channel it was paid through; decides whether `/unipay/cancel` can cancel it. */
  readonly channel: DaxPayChannel;
}

/** One PayerMax cancel request, remembered by its requestId so a repeat gets the same answer. */
export interface PayerMaxCancelRecord {
  readonly requestId: string;
  readonly cancelNo: string;
  /** Where the cancel ends: SUCCESS (the order was cancelled) or FAILED. The first answer of a SUCCESS says PENDING. */
  readonly outcome: "SUCCESS" | "FAILED";
  readonly errorCode: string | null;
  readonly errorMsg: string | null;
  /** Epoch ms when the cancel was received (and, in the sandbox, completed). */
  readonly createdAt: number;
  /** How many requests carried this requestId. */
  readonly answers: number;
}

/** A PayerMax order as the sandbox holds it. */
export interface PayerMaxOrderRecord extends OrderRecordBase<"payermaxOrder"> {
  readonly outTradeNo: string;
  /** Cancel requests received for this order, oldest first. */
  readonly cancels: readonly PayerMaxCancelRecord[];
}

/** Any order record. */
export type SandboxOrderRecord =
  | GatePayPrepayOrderRecord
  | GatePayRechargeRecord
  | DaxPayOrderRecord
  | PayerMaxOrderRecord;

/** The record type of one kind of order. */
export type SandboxOrderRecordOf<K extends SandboxOrderKind> = Extract<SandboxOrderRecord, { kind: K }>;

/** The statuses one kind of order can have. */
export type SandboxOrderStatus<K extends SandboxOrderKind> = (typeof STATUSES)[K][number];

/** A minted OTC quote. */
export interface SandboxQuote {
  /** Pass as `quoteToken` to createRecharge; single use. */
  readonly quoteToken: string;
  readonly currency: OtcRechargeRequest["currency"];
  readonly amount: string;
  readonly fiatCurrency: OtcRechargeRequest["fiatCurrency"];
  readonly fiatAmount: string;
  readonly cfRate: string;
  /** Epoch ms; the token is accepted up to and including this instant. */
  readonly expiresAt: number;
}

/** Seed input, validated: GatePay prepay order. */
export interface GatePayPrepayOrderSeed {
  readonly prepayId?: string;
  readonly merchantTradeNo?: string;
  readonly status?: GatePayPrepayStatus;
}

/** Seed input, validated: GatePay OTC recharge (the amounts default to the sample quote's). */
export interface GatePayRechargeSeed {
  readonly orderId?: string;
  readonly status?: GatePayRechargeStatus;
  readonly bankId?: string;
  readonly currency?: OtcRechargeRequest["currency"];
  readonly amount?: string;
  readonly fiatCurrency?: OtcRechargeRequest["fiatCurrency"];
  readonly fiatAmount?: string;
}

/** Seed input, validated: DaxPay pay order. */
export interface DaxPayOrderSeed {
  readonly orderNo?: string;
  readonly bizOrderNo?: string;
  readonly status?: DaxPayOrderStatus;
  /** Default ali_pay. union_pay and wallet_pay have no cancel strategy in 2.0.8: cancel answers 撤销订单失败. */
  readonly channel?: DaxPayChannel;
}

/** Seed input, validated: PayerMax order. */
export interface PayerMaxOrderSeed {
  readonly outTradeNo?: string;
  readonly status?: PayerMaxOrderStatus;
}

/** Quote input, validated (all optional; defaults are the OTC page's example amounts). */
export interface QuoteInput {
  readonly quoteToken?: string;
  readonly currency?: OtcRechargeRequest["currency"];
  readonly amount?: string;
  readonly fiatCurrency?: OtcRechargeRequest["fiatCurrency"];
  readonly fiatAmount?: string;
  /** How long the token stays valid, in ms; default 60000. */
  readonly ttlMs?: number;
}

/** One item of a seed batch; `field` names it in errors (e.g. `daxpayOrders[2]`). */
export type SeedItem =
  | { readonly kind: "gatepayPrepayOrder"; readonly field: string; readonly input: GatePayPrepayOrderSeed }
  | { readonly kind: "gatepayRecharge"; readonly field: string; readonly input: GatePayRechargeSeed }
  | { readonly kind: "daxpayOrder"; readonly field: string; readonly input: DaxPayOrderSeed }
  | { readonly kind: "payermaxOrder"; readonly field: string; readonly input: PayerMaxOrderSeed };

/** The outcome of closing a GatePay prepay order. */
export type ClosePrepayOutcome = "closed" | "already-closed" | "paid" | "not-found";
/** The outcome of cancelling a GatePay recharge. */
export type CancelRechargeOutcome = "cancelled" | "already-cancelled" | "paid" | "not-found";
/**
 * The outcome of cancelling a DaxPay order, as PayCancelService decides it: not found; a cancel of it
 * still running (lock held); not in progress (paid, closed, failed or already cancelled); the channel
 * cannot cancel; cancelled.
 */
export type DaxPayCancelOutcome =
  | "cancelled"
  | "not-found"
  | "in-progress"
  | "not-in-progress"
  | "cancel-failed";

/** The outcome of creating a GatePay recharge. */
export type CreateRechargeResult =
  | { readonly outcome: "created"; readonly recharge: GatePayRechargeRecord }
  | { readonly outcome: "quote-rejected"; readonly field: string; readonly reason: string };

/** The outcome of a PayerMax cancel request. */
export type PayerMaxCancelResult =
  | { readonly outcome: "answered"; readonly cancel: PayerMaxCancelRecord; readonly outTradeNo: string }
  | { readonly outcome: "not-found" }
  | { readonly outcome: "request-id-conflict" };

type Writable<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? Writable<E>[] : T[K];
};

type Stored<T> = Writable<T> & { readonly seq: number };

type StoredQuote = SandboxQuote & { usedBy: string | null };

/** The sample quote on GatePay's OTC page: 1000 USD for 1088.42 USDT. */
export const SAMPLE_QUOTE = {
  currency: "USDT",
  amount: "1088.42",
  fiatCurrency: "USD",
  fiatAmount: "1000",
} as const;

const DEFAULT_QUOTE_TTL_MS = 60_000;

function digits(count: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < count) {
    out += String(randomInt(10));
  }
  return out;
}

const ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

function code(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return out;
}

// Exchange rate as the OTC page shows it (crypto per fiat), to 8 places; cosmetic, never compared.
function rate(amount: string, fiatAmount: string): string {
  const fiat = Number(fiatAmount);
  return fiat === 0 ? "0" : (Number(amount) / fiat).toFixed(8).replace(/\.?0+$/, "");
}

function freshId(make: () => string, taken: (id: string) => boolean): string {
  for (;;) {
    const id = make();
    if (!taken(id)) {
      return id;
    }
  }
}

function snapshot<T>(record: Stored<T>): T {
  const { seq: _seq, ...rest } = record;
  return structuredClone(rest) as T;
}

function change<S extends string>(
  record: { status: S; stateChanges: number; history: Writable<SandboxStateChange>[] },
  to: S,
  at: number,
  via: string,
  counted: boolean,
): void {
  record.history.push({ from: record.status, to, at, via });
  record.status = to;
  if (counted) {
    record.stateChanges += 1;
  }
}

/** Told about each status change and each newly decided PayerMax cancel (notify.ts sends notifications). */
export interface SandboxStateObserver {
  /** False while nothing is listening (no notify URL): then the store skips building the snapshot. */
  readonly active: boolean;
  orderChanged(record: SandboxOrderRecord, change: SandboxStateChange): void;
  payermaxCancelDecided(cancel: PayerMaxCancelRecord, outTradeNo: string): void;
}

/** The orders, quotes and cancel requests of one sandbox. */
export class SandboxState {
  /** Notified after a change, synchronously; it must only schedule work, never await or throw. */
  observer: SandboxStateObserver | undefined;
  readonly #clock: () => number;
  #seq = 0;
  readonly #prepay = new Map<string, Stored<GatePayPrepayOrderRecord>>();
  readonly #prepayIdByTradeNo = new Map<string, string>();
  readonly #recharges = new Map<string, Stored<GatePayRechargeRecord>>();
  readonly #quotes = new Map<string, StoredQuote>();
  readonly #daxpay = new Map<string, Stored<DaxPayOrderRecord>>();
  readonly #daxpayOrderNoByBizOrderNo = new Map<string, string>();
  /** DaxPay's per-order cancel lock: orderNo → epoch ms until which a cancel of it is still running. */
  readonly #daxpayCancelLocks = new Map<string, number>();
  readonly #payermax = new Map<string, Stored<PayerMaxOrderRecord>>();
  readonly #payermaxCancels = new Map<
    string,
    { order: Stored<PayerMaxOrderRecord>; cancel: Writable<PayerMaxCancelRecord> }
  >();

  /** `clock` stamps seeds and admin changes; provider operations pass the time of their request. */
  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** Forgets every order, quote and cancel request. */
  reset(): void {
    this.#prepay.clear();
    this.#prepayIdByTradeNo.clear();
    this.#recharges.clear();
    this.#quotes.clear();
    this.#daxpay.clear();
    this.#daxpayOrderNoByBizOrderNo.clear();
    this.#daxpayCancelLocks.clear();
    this.#payermax.clear();
    this.#payermaxCancels.clear();
  }

  /** Every order (optionally of one kind), oldest first, as copies. */
  orders(kind?: SandboxOrderKind): SandboxOrderRecord[] {
    const all: Stored<SandboxOrderRecord>[] = [
      ...this.#prepay.values(),
      ...this.#recharges.values(),
      ...this.#daxpay.values(),
      ...this.#payermax.values(),
    ];
    return all
      .filter((record) => kind === undefined || record.kind === kind)
      .sort((a, b) => a.seq - b.seq)
      .map((record) => snapshot<SandboxOrderRecord>(record));
  }

  /** Mints a single-use quote token for createRecharge. */
  mintQuote(input: QuoteInput): SandboxQuote {
    const quoteToken =
      input.quoteToken ??
      freshId(
        () => `qt_${code(20)}`,
        (id) => this.#quotes.has(id),
      );
    if (this.#quotes.has(quoteToken)) {
      throw new SandboxInputError("quoteToken", "is already minted");
    }
    const amount = input.amount ?? SAMPLE_QUOTE.amount;
    const fiatAmount = input.fiatAmount ?? SAMPLE_QUOTE.fiatAmount;
    const quote: StoredQuote = {
      quoteToken,
      currency: input.currency ?? SAMPLE_QUOTE.currency,
      amount,
      fiatCurrency: input.fiatCurrency ?? SAMPLE_QUOTE.fiatCurrency,
      fiatAmount,
      cfRate: rate(amount, fiatAmount),
      expiresAt: this.#clock() + (input.ttlMs ?? DEFAULT_QUOTE_TTL_MS),
      usedBy: null,
    };
    this.#quotes.set(quoteToken, quote);
    const { usedBy: _usedBy, ...minted } = quote;
    return { ...minted };
  }

  /** Creates orders in any state; all-or-nothing: any id conflict throws before anything is stored. */
  seed(items: readonly SeedItem[]): SandboxOrderRecord[] {
    this.#checkSeedConflicts(items);
    const at = this.#clock();
    return items.map((item) => snapshot<SandboxOrderRecord>(this.#applySeed(item, at)));
  }

  /** Sets an order's status as an out-of-band event (a customer paying, an expiry); not counted in stateChanges. */
  setStatus(kind: SandboxOrderKind, id: string, status: string): SandboxOrderRecord | undefined {
    const record = this.#find(kind, id);
    if (record === undefined) {
      return undefined;
    }
    if (!(STATUSES[kind] as readonly string[]).includes(status)) {
      throw new SandboxInputError("status", `must be one of ${STATUSES[kind].join(", ")}`);
    }
    if (record.status !== status) {
      change<string>(record, status, this.#clock(), "setStatus", false);
      this.#changed(record);
    }
    return snapshot<SandboxOrderRecord>(record);
  }

  /** GatePay close: an unpaid order closes once; `prepayId` wins when both ids are given. */
  closePrepayOrder(ids: { prepayId?: string; merchantTradeNo?: string }, now: number): ClosePrepayOutcome {
    const prepayId = ids.prepayId ?? this.#prepayIdByTradeNo.get(ids.merchantTradeNo ?? "");
    const order = prepayId === undefined ? undefined : this.#prepay.get(prepayId);
    switch (order?.status) {
      case undefined:
        return "not-found";
      case "PAID":
        return "paid";
      case "CLOSED":
        return "already-closed";
      case "PENDING":
        change(order, "CLOSED", now, "closeOrder", true);
        this.#changed(order);
        return "closed";
    }
  }

  /** GatePay OTC create: spends a valid quote and creates an unpaid recharge, in one step. */
  createRecharge(request: OtcRechargeRequest, now: number): CreateRechargeResult {
    const quote = this.#quotes.get(request.quoteToken);
    if (quote === undefined) {
      return { outcome: "quote-rejected", field: "quoteToken", reason: "is not a known quote" };
    }
    if (quote.usedBy !== null) {
      return { outcome: "quote-rejected", field: "quoteToken", reason: "has already been used" };
    }
    if (now > quote.expiresAt) {
      return { outcome: "quote-rejected", field: "quoteToken", reason: "has expired" };
    }
    for (const field of ["currency", "amount", "fiatCurrency", "fiatAmount"] as const) {
      if (!sameAmount(field, quote[field], request[field])) {
        return { outcome: "quote-rejected", field, reason: "does not match the quote" };
      }
    }
    const orderId = this.#freshRechargeId();
    quote.usedBy = orderId;
    const recharge: Stored<GatePayRechargeRecord> = {
      seq: this.#seq++,
      kind: "gatepayRecharge",
      orderId,
      otcOrderId: `OTC${digits(16)}`,
      quoteToken: quote.quoteToken,
      bankId: request.bankId,
      currency: request.currency,
      amount: request.amount,
      fiatCurrency: request.fiatCurrency,
      fiatAmount: request.fiatAmount,
      cfRate: quote.cfRate,
      promoCode: request.promoCode ?? null,
      transferRemark: code(8),
      createTime: now,
      status: "PENDING",
      stateChanges: 0,
      history: [{ from: null, to: "PENDING", at: now, via: "createRecharge" }],
    };
    this.#recharges.set(orderId, recharge);
    return { outcome: "created", recharge: snapshot(recharge) };
  }

  /** GatePay OTC cancel: an unpaid recharge is cancelled; a cancelled one stays so and answers alike. */
  cancelRecharge(orderId: string, now: number): CancelRechargeOutcome {
    const recharge = this.#recharges.get(orderId);
    switch (recharge?.status) {
      case undefined:
        return "not-found";
      case "PAID":
        return "paid";
      case "CANCELLED":
        return "already-cancelled";
      case "PENDING":
        change(recharge, "CANCELLED", now, "cancelRecharge", true);
        this.#changed(recharge);
        return "cancelled";
    }
  }

  /**
   * DaxPay cancel: by `orderNo` when sent (even empty; it wins over `bizOrderNo`), else by `bizOrderNo`.
   * A successful cancel holds the order's lock for `lockMs` (the channel call), as PayCancelService does.
   */
  cancelDaxPayOrder(
    ids: { orderNo: string | null; bizOrderNo: string | null },
    now: number,
    lockMs: number,
  ): DaxPayCancelOutcome {
    const orderNo =
      ids.orderNo ??
      (ids.bizOrderNo === null ? undefined : this.#daxpayOrderNoByBizOrderNo.get(ids.bizOrderNo));
    const order = orderNo === undefined ? undefined : this.#daxpay.get(orderNo);
    if (order === undefined) {
      return "not-found";
    }
    if ((this.#daxpayCancelLocks.get(order.orderNo) ?? Number.NEGATIVE_INFINITY) > now) {
      return "in-progress";
    }
    if (order.status !== "progress") {
      return "not-in-progress";
    }
    if (!(DAXPAY_CANCELLABLE_CHANNELS as readonly string[]).includes(order.channel)) {
      return "cancel-failed";
    }
    change(order, "cancel", now, "cancel", true);
    this.#changed(order);
    if (lockMs > 0) {
      this.#daxpayCancelLocks.set(order.orderNo, now + lockMs);
    }
    return "cancelled";
  }

  /**
   * PayerMax cancel, idempotent by requestId: a repeat returns the stored cancel (its `answers` counted
   * up), a requestId already used for another order is a conflict, and a new one is decided once.
   */
  cancelPayerMaxOrder(ids: { requestId: string; outTradeNo: string }, now: number): PayerMaxCancelResult {
    const seen = this.#payermaxCancels.get(ids.requestId);
    if (seen !== undefined) {
      if (seen.order.outTradeNo !== ids.outTradeNo) {
        return { outcome: "request-id-conflict" };
      }
      seen.cancel.answers += 1;
      return { outcome: "answered", cancel: { ...seen.cancel }, outTradeNo: seen.order.outTradeNo };
    }
    const order = this.#payermax.get(ids.outTradeNo);
    if (order === undefined) {
      return { outcome: "not-found" };
    }
    const cancel: Writable<PayerMaxCancelRecord> = {
      requestId: ids.requestId,
      cancelNo: `${cancelNoTime(now)}SB${digits(19)}`,
      outcome: "SUCCESS",
      errorCode: null,
      errorMsg: null,
      createdAt: now,
      answers: 1,
    };
    if (order.status === "AUTHORIZED") {
      change(order, "CANCELLED", now, "cancel", true);
      this.#changed(order);
    } else {
      cancel.outcome = "FAILED";
      cancel.errorCode = "ORDER_STATUS_INVALID";
      cancel.errorMsg = order.status === "CAPTURED" ? "order already captured" : "order already cancelled";
    }
    order.cancels.push(cancel);
    this.#payermaxCancels.set(ids.requestId, { order, cancel });
    if (this.observer?.active === true) this.observer.payermaxCancelDecided({ ...cancel }, order.outTradeNo);
    return { outcome: "answered", cancel: { ...cancel }, outTradeNo: order.outTradeNo };
  }

  #changed(record: Stored<SandboxOrderRecord>): void {
    const last = record.history[record.history.length - 1];
    if (this.observer?.active === true && last !== undefined) {
      this.observer.orderChanged(snapshot<SandboxOrderRecord>(record), { ...last });
    }
  }

  #find(kind: SandboxOrderKind, id: string): Stored<SandboxOrderRecord> | undefined {
    switch (kind) {
      case "gatepayPrepayOrder":
        return this.#prepay.get(id) ?? this.#prepay.get(this.#prepayIdByTradeNo.get(id) ?? "");
      case "gatepayRecharge":
        return this.#recharges.get(id);
      case "daxpayOrder":
        return this.#daxpay.get(id) ?? this.#daxpay.get(this.#daxpayOrderNoByBizOrderNo.get(id) ?? "");
      case "payermaxOrder":
        return this.#payermax.get(id);
    }
  }

  #freshRechargeId(): string {
    return freshId(
      () => digits(17),
      (id) => this.#recharges.has(id),
    );
  }

  #checkSeedConflicts(items: readonly SeedItem[]): void {
    // Ids claimed earlier in this batch, so a batch cannot conflict with itself either.
    const claimed = new Set<string>();
    const claim = (namespace: string, id: string | undefined, field: string, taken: boolean) => {
      if (id === undefined) {
        return;
      }
      const key = `${namespace}\u0000${id}`;
      if (taken || claimed.has(key)) {
        throw new SandboxInputError(field, "is already used by another order");
      }
      claimed.add(key);
    };
    for (const item of items) {
      const at = (key: string) => (item.field === "" ? key : `${item.field}.${key}`);
      switch (item.kind) {
        case "gatepayPrepayOrder": {
          const { prepayId, merchantTradeNo } = item.input;
          claim("prepayId", prepayId, at("prepayId"), prepayId !== undefined && this.#prepay.has(prepayId));
          claim(
            "merchantTradeNo",
            merchantTradeNo,
            at("merchantTradeNo"),
            merchantTradeNo !== undefined && this.#prepayIdByTradeNo.has(merchantTradeNo),
          );
          break;
        }
        case "gatepayRecharge": {
          const { orderId } = item.input;
          claim("orderId", orderId, at("orderId"), orderId !== undefined && this.#recharges.has(orderId));
          break;
        }
        case "daxpayOrder": {
          const { orderNo, bizOrderNo } = item.input;
          claim("orderNo", orderNo, at("orderNo"), orderNo !== undefined && this.#daxpay.has(orderNo));
          claim(
            "bizOrderNo",
            bizOrderNo,
            at("bizOrderNo"),
            bizOrderNo !== undefined && this.#daxpayOrderNoByBizOrderNo.has(bizOrderNo),
          );
          break;
        }
        case "payermaxOrder": {
          const { outTradeNo } = item.input;
          claim(
            "outTradeNo",
            outTradeNo,
            at("outTradeNo"),
            outTradeNo !== undefined && this.#payermax.has(outTradeNo),
          );
          break;
        }
      }
    }
  }

  #applySeed(item: SeedItem, at: number): Stored<SandboxOrderRecord> {
    const seq = this.#seq++;
    switch (item.kind) {
      case "gatepayPrepayOrder": {
        const status = item.input.status ?? "PENDING";
        const prepayId =
          item.input.prepayId ??
          freshId(
            () => digits(17),
            (id) => this.#prepay.has(id),
          );
        const merchantTradeNo =
          item.input.merchantTradeNo ??
          freshId(
            () => `SB${digits(16)}`,
            (id) => this.#prepayIdByTradeNo.has(id),
          );
        const order: Stored<GatePayPrepayOrderRecord> = {
          seq,
          kind: "gatepayPrepayOrder",
          prepayId,
          merchantTradeNo,
          status,
          stateChanges: 0,
          history: [{ from: null, to: status, at, via: "seed" }],
        };
        this.#prepay.set(prepayId, order);
        this.#prepayIdByTradeNo.set(merchantTradeNo, prepayId);
        return order;
      }
      case "gatepayRecharge": {
        const status = item.input.status ?? "PENDING";
        const orderId = item.input.orderId ?? this.#freshRechargeId();
        const amount = item.input.amount ?? SAMPLE_QUOTE.amount;
        const fiatAmount = item.input.fiatAmount ?? SAMPLE_QUOTE.fiatAmount;
        const recharge: Stored<GatePayRechargeRecord> = {
          seq,
          kind: "gatepayRecharge",
          orderId,
          otcOrderId: `OTC${digits(16)}`,
          quoteToken: null,
          bankId: item.input.bankId ?? "ba_sandbox",
          currency: item.input.currency ?? SAMPLE_QUOTE.currency,
          amount,
          fiatCurrency: item.input.fiatCurrency ?? SAMPLE_QUOTE.fiatCurrency,
          fiatAmount,
          cfRate: rate(amount, fiatAmount),
          promoCode: null,
          transferRemark: code(8),
          createTime: at,
          status,
          stateChanges: 0,
          history: [{ from: null, to: status, at, via: "seed" }],
        };
        this.#recharges.set(orderId, recharge);
        return recharge;
      }
      case "daxpayOrder": {
        const status = item.input.status ?? "progress";
        const orderNo =
          item.input.orderNo ??
          freshId(
            () => `SBXP${digits(20)}`,
            (id) => this.#daxpay.has(id),
          );
        const bizOrderNo =
          item.input.bizOrderNo ??
          freshId(
            () => `P${digits(12)}`,
            (id) => this.#daxpayOrderNoByBizOrderNo.has(id),
          );
        const order: Stored<DaxPayOrderRecord> = {
          seq,
          kind: "daxpayOrder",
          orderNo,
          bizOrderNo,
          channel: item.input.channel ?? "ali_pay",
          status,
          stateChanges: 0,
          history: [{ from: null, to: status, at, via: "seed" }],
        };
        this.#daxpay.set(orderNo, order);
        this.#daxpayOrderNoByBizOrderNo.set(bizOrderNo, orderNo);
        return order;
      }
      case "payermaxOrder": {
        const status = item.input.status ?? "AUTHORIZED";
        const outTradeNo =
          item.input.outTradeNo ??
          freshId(
            () => `SBT${digits(17)}`,
            (id) => this.#payermax.has(id),
          );
        const order: Stored<PayerMaxOrderRecord> = {
          seq,
          kind: "payermaxOrder",
          outTradeNo,
          status,
          stateChanges: 0,
          history: [{ from: null, to: status, at, via: "seed" }],
          cancels: [],
        };
        this.#payermax.set(outTradeNo, order);
        return order;
      }
    }
  }
}

function sameAmount(field: string, quoted: string, requested: string): boolean {
  if (field === "amount" || field === "fiatAmount") {
    return normalizeDecimal(quoted) === normalizeDecimal(requested);
  }
  return quoted === requested;
}

// "1000" and "1000.00" are the same amount; both forms match the request pattern.
function normalizeDecimal(value: string): string {
  return value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value;
}

// PayerMax cancel numbers start with the UTC time as yyyyMMddHHmmss (the page's example does).
function cancelNoTime(now: number): string {
  return new Date(now).toISOString().replace(/\D/g, "").slice(0, 14);
}
