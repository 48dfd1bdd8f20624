// Replay protection for notifications: a store remembers the key of every accepted notification (a
// signature, or nonce + signature) until the end of its time window, so the same signed message is
// accepted once. Redis (SET key NX PXAT expiresAtMs) or a database unique key implement the same
// two methods.

import { ValidationError } from "./errors.js";

/** Remembers notification keys until they expire; implement it over Redis or a database to share it between processes. */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAtMs` (epoch ms) and resolves false; resolves true, recording
   * nothing, when `key` is already recorded and not yet expired (a replay). Must be atomic.
   */
  seen(key: string, expiresAtMs: number): Promise<boolean>;
  /** Drops `key`, so a retried delivery is processed again (called when processing it failed). */
  forget(key: string): Promise<void>;
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most keys held at once; default 100 000 (about 20 MB). When full, the oldest key is dropped. */
  maxEntries?: number;
  /** Epoch ms; default Date.now. */
  now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Keys remembered until each one's expiry, in bounded memory: when full, expired keys are swept, then
 * the oldest are dropped (the nearest to leaving their window anyway). Synchronous, so a client can
 * check an answer's nonce inline; {@link createMemoryReplayStore} wraps it for notifications.
 */
export class ExpiringKeys {
  // Insertion order is the eviction order; a re-recorded key moves to the end.
  readonly #keys = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_MAX_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new ValidationError({
        field: "maxEntries",
        rule: "range:1..",
        reason: "must be a positive integer",
      });
    }
    this.#maxEntries = maxEntries;
  }

  /** Records `key` until `expiresAtMs`; returns false, recording nothing, when it is already recorded and live. */
  remember(key: string, expiresAtMs: number, nowMs: number): boolean {
    const existing = this.#keys.get(key);
    if (existing !== undefined && existing > nowMs) return false;
    this.#keys.delete(key);
    this.#makeRoom(nowMs);
    this.#keys.set(key, expiresAtMs);
    return true;
  }

  /** True when `key` is recorded and not yet expired at `nowMs`. */
  has(key: string, nowMs: number): boolean {
    const expiresAt = this.#keys.get(key);
    return expiresAt !== undefined && expiresAt > nowMs;
  }

  /** Drops `key`. */
  forget(key: string): void {
    this.#keys.delete(key);
  }

  #makeRoom(nowMs: number): void {
    if (this.#keys.size < this.#maxEntries) return;
    for (const [key, expiresAt] of this.#keys) {
      if (expiresAt <= nowMs) this.#keys.delete(key);
    }
    for (const key of this.#keys.keys()) {
      if (this.#keys.size < this.#maxEntries) break;
      this.#keys.delete(key);
    }
  }
}

/**
 * An in-process {@link ReplayStore} over {@link ExpiringKeys}: bounded memory and expiry. It protects
 * one process only; several instances behind a load balancer need a shared store.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const keys = new ExpiringKeys(options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const now = options.now ?? Date.now;
  return {
    async seen(key, expiresAtMs) {
      return !keys.remember(key, expiresAtMs, now());
    },
    async forget(key) {
      keys.forget(key);
    },
  };
}
