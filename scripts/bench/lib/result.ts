// The shape of `npm run bench -- --json`: one object, one key per section (null when not run).
import type { BundleSection } from "../bundle.js";
import type { CodegenSection } from "../codegen.js";
import type { PeersSection } from "../peers.js";
import type { SandboxSection } from "../sandbox.js";
import type { SigningSection } from "../signing.js";

export const SECTION_NAMES = ["peers", "signing", "codegen", "bundle", "sandbox"] as const;

export type SectionName = (typeof SECTION_NAMES)[number];

/** A section that could not run yet (its code has not landed), with the reason. */
export interface Pending {
  readonly status: "pending";
  readonly reason: string;
}

export interface BenchResult {
  machine: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    date: string;
  };
  peers: PeersSection | null;
  signing: SigningSection | null;
  codegen: CodegenSection | null;
  bundle: BundleSection | null;
  sandbox: SandboxSection | Pending | null;
  /** Wall time of each section that ran. */
  sectionSeconds: Partial<Record<SectionName, number>>;
  /** Wall time of the whole bench run. */
  totalSeconds: number;
}

export function isPending(value: unknown): value is Pending {
  return typeof value === "object" && value !== null && (value as { status?: unknown }).status === "pending";
}
