// Where the pacts live and how their names map to the specs: one pact per API in redocly.yaml, named
// `payclients-<api>.json`, with the API name as the Pact provider name.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { API_NAMES, type ApiName, bundledSpecPath } from "../scripts/lib/apis.js";

/** The Pact consumer name of every contract. */
export const CONSUMER = "payclients";

/**
 * The Pact consumer name of the notification (message) contracts, `payclients-notifications-<api>.json`
 * (contracts/notifications.ts). Here rather than there so that the integrity check, which runs before
 * anything is verified, does not load the spec verification.
 */
export const NOTIFICATIONS_CONSUMER = "payclients-notifications";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, "..");

/** The committed pact files, rebuilt from scratch by `npm run test:contracts`. */
export const PACTS_DIR = join(ROOT, "contracts", "pacts");

/** The pact file written for one provider API. */
export function pactPath(api: ApiName): string {
  return join(PACTS_DIR, `${CONSUMER}-${api}.json`);
}

/** True when `name` is one of the APIs we hold a spec for. */
export function isApiName(name: string): name is ApiName {
  return (API_NAMES as readonly string[]).includes(name);
}

/** Reads an API's bundled spec (`generated/openapi/<api>.json`). */
export function readBundledSpec(api: ApiName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, bundledSpecPath(api)), "utf8")) as Record<string, unknown>;
}

/** The parts of a Pact V4 file this suite reads. */
export interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactInteraction[];
  metadata?: Record<string, unknown>;
}

/** One HTTP interaction of a Pact V4 file. */
export interface PactInteraction {
  type?: string;
  description: string;
  providerStates?: { name: string; params?: Record<string, unknown> }[];
  request: { method: string; path: string; headers?: Record<string, string[]>; body?: PactBody };
  response: { status: number; headers?: Record<string, string[]>; body?: PactBody };
  [key: string]: unknown;
}

/** A Pact V4 body: the content (JSON here) and how it is encoded. */
export interface PactBody {
  content: unknown;
  contentType?: string;
  encoded?: boolean | string;
}

/** Every pact file in contracts/pacts/, sorted by name, parsed; empty when the folder is missing. */
export function readPactFiles(dir: string = PACTS_DIR): { file: string; pact: PactFile }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      return { file, pact: JSON.parse(readFileSync(file, "utf8")) as PactFile };
    });
}
