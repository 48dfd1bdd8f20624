import { describe, expect, it } from "vitest";
import { createMemoryReplayStore } from "./replay.js";

describe("createMemoryReplayStore", () => {
  it("says a key was seen until it expires, then records it afresh", async () => {
    let now = 1000;
    const store = createMemoryReplayStore({ now: () => now });
    expect(await store.seen("a", 2000)).toBe(false);
    expect(await store.seen("a", 2000)).toBe(true);
    now = 2000;
    expect(await store.seen("a", 3000)).toBe(false);
    expect(await store.seen("a", 3000)).toBe(true);
  });

  it("forgets a key on request, so the next delivery is new", async () => {
    const store = createMemoryReplayStore({ now: () => 0 });
    await store.seen("a", 10);
    await store.forget("a");
    expect(await store.seen("a", 10)).toBe(false);
  });

  it("holds at most maxEntries keys: expired ones go first, then the oldest live one", async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 2, now: () => now });
    await store.seen("short", 5);
    await store.seen("long", 100);
    now = 10;
    await store.seen("third", 100);
    // "short" expired and was swept; "long" survived.
    expect(await store.seen("long", 100)).toBe(true);
    await store.seen("fourth", 100);
    // Full of live keys: the oldest ("long") made room.
    expect(await store.seen("third", 100)).toBe(true);
    expect(await store.seen("long", 100)).toBe(false);
  });

  it("refuses a maxEntries that is not a positive integer", () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(
      expect.objectContaining({ type: "validation", field: "maxEntries", rule: "range:1.." }),
    );
  });
});
