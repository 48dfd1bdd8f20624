import { timingSafeEqual } from "node:crypto";

/** True when `a` and `b` have identical UTF-8 bytes, compared in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  // timingSafeEqual throws on unequal lengths. Returning early leaks only the length, which is public
  // for every signature format we compare (fixed-width hex or Base64).
  if (left.length !== right.length) {
    return false;
  }
  return timingSafeEqual(left, right);
}
