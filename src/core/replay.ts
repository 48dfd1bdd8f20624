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
 * An in-process {@link ReplayStore}: bounded memory (expired keys are swept when the store is full,
 * then the oldest are dropped) and expiry. It protects one process only; several instances behind a
 * load balancer need a shared store.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new ValidationError({
      field: "maxEntries",
      rule: "range:1..",
      reason: "must be a positive integer",
    });
  }
  const now = options.now ?? Date.now;
  // Insertion order is the eviction order; a re-recorded key moves to the end.
  const keys = new Map<string, number>();

  function makeRoom(at: number): void {
    if (keys.size < maxEntries) return;
    for (const [key, expiresAt] of keys) {
      if (expiresAt <= at) keys.delete(key);
    }
    // Still full of live keys: drop the oldest, which are the nearest to leaving their window anyway.
    for (const key of keys.keys()) {
      if (keys.size < maxEntries) break;
      keys.delete(key);
    }
  }

  return {
    async seen(key, expiresAtMs) {
      const at = now();
      const existing = keys.get(key);
      if (existing !== undefined && existing > at) return true;
      keys.delete(key);
      makeRoom(at);
      keys.set(key, expiresAtMs);
      return false;
    },
    async forget(key) {
      keys.delete(key);
    },
  };
}
