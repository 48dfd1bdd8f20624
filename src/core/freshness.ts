// A signature proves who wrote a message, not when: without a time check, a genuine signed answer
// recorded once ("cancelled", resTime 0) could be replayed for any later request. Signed answers
// must carry a signed time inside a window around the request they answer (here), and where the
// provider signs a nonce, a nonce seen inside that window is refused a second time (./replay.ts's
// ExpiringKeys).

import { type ErrorContext, SignatureError } from "./errors.js";

/** How far a signed time may lie before the request was sent, and after the answer arrived. */
export interface SignedTimeWindow {
  /** Milliseconds a signed time may precede the request (clock drift plus the provider's processing). */
  readonly pastMs: number;
  /** Milliseconds a signed time may follow the moment the answer is read (the provider's clock ahead of ours). */
  readonly futureMs: number;
}

/**
 * Checks a signed time (epoch ms, or NaN when the signed field was not a valid time) against
 * [sentAtMs - pastMs, nowMs + futureMs]: for an answer, around the request it answers; for a
 * notification, around its arrival (sentAtMs = nowMs). Throws SignatureError "stale" saying what was wrong.
 */
export function checkSignedTime(
  signedAtMs: number,
  sentAtMs: number,
  nowMs: number,
  window: SignedTimeWindow,
  ctx: ErrorContext,
  subject: "response" | "notification" = "response",
): void {
  const stale = (detail: string) => new SignatureError({ ...ctx, reason: "stale", detail, subject });
  if (!Number.isFinite(signedAtMs)) throw stale("its signed time is not a valid timestamp");
  if (signedAtMs < sentAtMs - window.pastMs) {
    const seconds = Math.round((sentAtMs - signedAtMs) / 1000);
    const before = subject === "response" ? "the request it answers" : "it arrived";
    throw stale(`signed about ${seconds} s before ${before} (window ${window.pastMs} ms)`);
  }
  if (signedAtMs > nowMs + window.futureMs) {
    const seconds = Math.round((signedAtMs - nowMs) / 1000);
    throw stale(`signed about ${seconds} s in the future (window ${window.futureMs} ms)`);
  }
}

/** Parses a decimal epoch-milliseconds text strictly ("1700000000000"); NaN for anything else. */
export function parseEpochMs(text: string | null): number {
  if (text === null || !/^[0-9]{1,16}$/.test(text)) return Number.NaN;
  return Number(text);
}
