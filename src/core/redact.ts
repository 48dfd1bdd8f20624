// A box for secrets and keys. The value sits in a JavaScript private field, which neither
// JSON.stringify, util.inspect, structuredClone nor Object.keys can see, and every way of turning
// the box into text yields "[redacted]". Only code that calls reveal() gets the value.

import { inspect } from "node:util";

/** What a {@link Secret} shows instead of its value. */
export const REDACTED = "[redacted]";

/** Holds a secret (a string, a KeyObject, …) so it never appears when its holder is printed or serialised. */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** Returns the secret itself; call it only at the point of use (signing), never to log. */
  reveal(): T {
    return this.#value;
  }

  /** JSON.stringify shows "[redacted]". */
  toJSON(): string {
    return REDACTED;
  }

  /** String(secret) and template literals show "[redacted]". */
  toString(): string {
    return REDACTED;
  }

  /** `secret + ""` and other coercions show "[redacted]". */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** util.inspect and console.log show "[redacted]". */
  [inspect.custom](): string {
    return REDACTED;
  }
}
