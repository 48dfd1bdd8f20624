// A watch for secret material in everything a test can see: errors (message, stack, every own
// property, the cause chain), hook events, serialized clients and console output. A text leaks when
// any 16-character window of a secret, a key's PEM, Base64 DER, hex DER or JWK part appears in it.

import { format, inspect } from "node:util";
import { vi } from "vitest";

/** Shortest piece of a secret that counts as a leak: 16 Base64 characters carry 96 bits of the key. */
export const LEAK_WINDOW = 16;

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/** Every 16-character window of every material string (the whole string when shorter). */
function windowsOf(material: readonly string[]): Set<string> {
  const windows = new Set<string>();
  for (const text of material) {
    if (text.length <= LEAK_WINDOW) {
      windows.add(text);
      continue;
    }
    for (let at = 0; at + LEAK_WINDOW <= text.length; at++) windows.add(text.slice(at, at + LEAK_WINDOW));
  }
  return windows;
}

// A rolling hash over the code units of a window, so a scan does integer work per position and
// slices a string only when the hash matches (Rabin-Karp, arithmetic modulo 2^32).
const BASE = 257;
let top = 1;
for (let index = 1; index < LEAK_WINDOW; index++) top = Math.imul(top, BASE);
const BASE_TO_WINDOW_MINUS_ONE = top;

function hashOf(text: string, from: number): number {
  let hash = 0;
  for (let index = from; index < from + LEAK_WINDOW; index++)
    hash = (Math.imul(hash, BASE) + text.charCodeAt(index)) | 0;
  return hash;
}

/** Every string reachable through own properties (non-enumerable and symbol keys included), up to `depth`. */
function reachableStrings(value: unknown, out: string[], seen: Set<object>, depth: number): void {
  if (typeof value === "string") {
    out.push(value);
    return;
  }
  if (typeof value !== "object" || value === null || seen.has(value) || depth > 12) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === "string") out.push(key);
    const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
    // Read data properties only: a getter could have side effects or throw.
    if (descriptor !== undefined && "value" in descriptor) {
      reachableStrings(descriptor.value, out, seen, depth + 1);
    }
  }
}

function attempt(view: () => string | undefined): string {
  try {
    return view() ?? "";
  } catch {
    return "";
  }
}

/** The ways a value is usually printed: inspect, JSON, String, and for errors message and stack. */
export function printedViews(value: unknown): string[] {
  const views = [
    attempt(() => inspect(value, { showHidden: true, depth: Number.POSITIVE_INFINITY })),
    attempt(() => JSON.stringify(value)),
    attempt(() => String(value)),
  ];
  if (value instanceof Error) views.push(value.message, value.stack ?? "");
  const strings: string[] = [];
  reachableStrings(value, strings, new Set(), 0);
  views.push(...strings);
  return views;
}

/** Collects leak findings for one test file. */
export class LeakWatch {
  readonly #windows: Set<string>;
  readonly #hashes = new Set<number>();
  readonly #findings: string[] = [];
  #checked = 0;
  #consoleLines = 0;

  /** Watches for `secret` material; windows that also occur in `publicMaterial` (a key's public half) are not secret. */
  constructor(secret: readonly string[], publicMaterial: readonly string[] = []) {
    this.#windows = windowsOf(secret);
    for (const window of windowsOf(publicMaterial)) this.#windows.delete(window);
    for (const window of this.#windows)
      if (window.length === LEAK_WINDOW) this.#hashes.add(hashOf(window, 0));
  }

  /** How many values (errors, events, clients, log lines) were checked. */
  get checked(): number {
    return this.#checked;
  }

  /** How many console lines were captured and checked. */
  get consoleLines(): number {
    return this.#consoleLines;
  }

  /** Where secret material was found: "label (view n)"; never the material itself. */
  findings(): readonly string[] {
    return this.#findings;
  }

  /** True when `text` contains a window of the secret material. */
  leaks(text: string): boolean {
    if (text.length < LEAK_WINDOW) return this.#windows.has(text);
    let hash = hashOf(text, 0);
    for (let at = 0; ; at++) {
      if (this.#hashes.has(hash) && this.#windows.has(text.slice(at, at + LEAK_WINDOW))) return true;
      if (at + LEAK_WINDOW >= text.length) return this.#windows.has(text);
      const leaving = Math.imul(text.charCodeAt(at), BASE_TO_WINDOW_MINUS_ONE);
      hash = (Math.imul(hash - leaving, BASE) + text.charCodeAt(at + LEAK_WINDOW)) | 0;
    }
  }

  /** Checks every printed view of `value` now; the value itself is not kept. */
  check(label: string, value: unknown): void {
    this.#checked += 1;
    // The same text (a stack, a message) shows up in several views; scan each distinct one once.
    const seen = new Set<string>();
    printedViews(value).forEach((view, index) => {
      if (seen.has(view)) return;
      seen.add(view);
      if (this.leaks(view)) this.#findings.push(`${label} (view ${index})`);
    });
  }

  /** Captures console output and process warnings and checks each line; returns the undo. Lines are still printed unless `print` is false. */
  watchConsole(print = true): () => void {
    const spies = CONSOLE_METHODS.map((method) => {
      const original = console[method].bind(console);
      return vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        this.#consoleLines += 1;
        this.check(`console.${method}`, format(...args));
        if (print) original(...args);
      });
    });
    const onWarning = (warning: Error) => {
      this.#consoleLines += 1;
      this.check("process warning", warning);
    };
    process.on("warning", onWarning);
    return () => {
      for (const spy of spies) spy.mockRestore();
      process.off("warning", onWarning);
    };
  }
}
