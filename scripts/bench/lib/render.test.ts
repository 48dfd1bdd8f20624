import { describe, expect, it } from "vitest";
import type { PeersSection } from "../peers.js";
import type { ContenderName } from "./contender-names.js";
import type { PeerProvider } from "./fixture.js";
import type { ContenderFigures, PeerProviderRow } from "./peers-child.js";
import { renderMarkdown, targetLines } from "./render.js";
import type { BenchResult } from "./result.js";

/** Figures with ratios derived from the limit's, as the child computes them; CPU per call is half the p50. */
function figures(rows: Record<ContenderName, [p50Us: number, rps: number]>): ContenderFigures[] {
  const [limitP50, limitRps] = rows.limit;
  return Object.entries(rows).map(([name, [p50Us, rps]]) => ({
    name: name as ContenderName,
    status: "ok",
    p50Us,
    rps,
    latencyRatio: p50Us / limitP50,
    rpsRatio: limitRps / rps,
    cpuUsPerCall: p50Us / 2,
  }));
}

/** A bench result whose peers section is one runtime measuring one provider (or failing, with `error`). */
function oneRow(
  label: string,
  provider: PeerProvider,
  contenders: ContenderFigures[],
  extra: Partial<PeerProviderRow> = {},
): BenchResult {
  const row: PeerProviderRow = {
    provider,
    operation: "op",
    status: "ok",
    byteDifferences: {},
    contenders,
    ...extra,
  };
  return withRuntimes([{ label, status: "ok", providers: [row] }]);
}

function withRuntimes(runtimes: PeersSection["runtimes"]): BenchResult {
  return {
    machine: {
      node: "v20.20.2",
      platform: "linux-x64",
      cpus: 2,
      cpuModel: "test",
      date: "2026-01-01T00:00:00.000Z",
    },
    peers: {
      method: "test",
      concurrency: 16,
      targetRatio: 1.5,
      peers: ["got", "axios", "ky", "openapi-fetch"],
      runtimes,
    },
    signing: null,
    codegen: null,
    bundle: null,
    sandbox: null,
    sectionSeconds: { peers: 60 },
    totalSeconds: 60,
  };
}

// payclients at 160 µs and 1,000 req/s against a limit of 100 µs and 2,000 req/s: 1.60x and 2.00x.
const missing = figures({
  limit: [100, 2000],
  fetch: [130, 1200],
  got: [180, 1100],
  axios: [150, 900],
  ky: [200, 900],
  "openapi-fetch": [210, 800],
  payclients: [160, 1000],
});

describe("the peers target lines", () => {
  it("say met when payclients is within 1.5x of the limit by both figures and ahead of every peer", () => {
    const contenders = figures({
      limit: [100, 2000],
      fetch: [130, 1200],
      got: [160, 1400],
      axios: [150, 1500],
      ky: [200, 900],
      "openapi-fetch": [210, 800],
      payclients: [140, 1600],
    });
    expect(targetLines(oneRow("Node 20", "gatepay", contenders))).toEqual([
      "peers Node 20 gatepay: payclients 1.40x the limit by p50, 1.25x by req/s: within 1.5x, met; " +
        "ahead of every peer (got, axios, ky, openapi-fetch), met",
    ]);
  });

  it("name every peer that is as fast or faster, by which figure, and the worse ratio's miss", () => {
    expect(targetLines(oneRow("Node 24", "daxpay", missing))).toEqual([
      "peers Node 24 daxpay: payclients 1.60x the limit by p50, 2.00x by req/s: target ≤ 1.5x missed by 33%; " +
        "ahead of every peer: missed (got 1,100 vs 1,000 req/s; axios p50 150 µs vs 160 µs)",
    ]);
  });

  it("say a runtime was not measured, with its reason", () => {
    const result = withRuntimes([
      { label: "Node 24", status: "error", error: "npm install failed", providers: [] },
    ]);
    expect(targetLines(result)).toEqual(["peers Node 24: not measured (npm install failed)"]);
  });

  it("report payclients' failure instead of a ratio when its call failed", () => {
    const contenders: ContenderFigures[] = [
      ...missing.filter((row) => row.name !== "payclients"),
      { name: "payclients", status: "error", error: "TypeError: boom" },
    ];
    expect(targetLines(oneRow("Node 20", "payermax", contenders))).toEqual([
      "peers Node 20 payermax: payclients not measured (TypeError: boom)",
    ]);
  });
});

describe("the peers tables", () => {
  it("show each contender's figures and ratios, and name the contenders whose request differed", () => {
    const markdown = renderMarkdown(
      oneRow("Node 20", "gatepay", missing, {
        byteDifferences: { ky: ["header content-type: text/plain, limit application/json"] },
      }),
    );
    expect(markdown).toContain("| payclients | 160 µs | 1.60x | 1,000 | 2.00x | 80 µs (1.60x) |\n");
    expect(markdown).toContain(
      "_Differs from the limit's request: Node 20 ky: header content-type: text/plain, limit application/json_",
    );
  });
});
