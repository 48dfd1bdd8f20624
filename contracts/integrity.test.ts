// contracts:verify refuses pacts that are not whole: what it reports for a missing, truncated, short or
// uncommitted pact (the "contracts can shrink silently" scenario of issue 15), on copies of the real pacts.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { declaredInteractions, pactIntegrityProblems } from "./integrity.js";
import { PACTS_DIR, ROOT } from "./pacts.js";
import { rebuildPacts } from "./run-consumer.js";

const APIS = ["gatepay-otc", "daxpay"] as const;
let dir: string;

/** What HEAD holds, as the real pacts do when the suite runs on a clean checkout. */
const committed = (path: string) => readFileSync(join(ROOT, path), "utf8");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "payclients-pacts-"));
  for (const api of APIS)
    copyFileSync(join(PACTS_DIR, `payclients-${api}.json`), join(dir, `payclients-${api}.json`));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problems(readCommitted?: (path: string) => string | undefined): string[] {
  return pactIntegrityProblems({ dir, apis: APIS, committed: readCommitted });
}

describe("pactIntegrityProblems", () => {
  it("finds nothing wrong with the committed pacts", () => {
    expect(pactIntegrityProblems({ committed })).toEqual([]);
  });

  it("refuses a missing pact", () => {
    rmSync(join(dir, "payclients-daxpay.json"));
    expect(problems()).toEqual([
      expect.stringMatching(/payclients-daxpay\.json: missing \(run npm run test:contracts\)$/),
    ]);
  });

  it("refuses a pact cut short by a run that stopped part-way (invalid JSON)", () => {
    const file = join(dir, "payclients-gatepay-otc.json");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const [problem, ...rest] = problems();
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /payclients-gatepay-otc\.json: truncated or not JSON \(.+\); run npm run test:contracts$/,
    );
  });

  it("refuses a pact with fewer interactions than its consumer test declares (10 of 11, none of 11)", () => {
    const file = join(dir, "payclients-gatepay-otc.json");
    const pact = JSON.parse(readFileSync(file, "utf8")) as { interactions: unknown[] };
    expect(pact.interactions).toHaveLength(11);
    writeFileSync(file, JSON.stringify({ ...pact, interactions: pact.interactions.slice(0, 10) }));
    expect(problems()).toEqual([
      expect.stringMatching(
        /payclients-gatepay-otc\.json: 10 interactions, but contracts\/gatepay-otc\.pact\.test\.ts declares 11 \(/,
      ),
    ]);
    writeFileSync(file, JSON.stringify({ ...pact, interactions: [] }));
    expect(problems()[0]).toContain("0 interactions, but contracts/gatepay-otc.pact.test.ts declares 11");
  });

  it("refuses a whole pact that differs from the committed one, and one git does not hold", () => {
    const file = join(dir, "payclients-daxpay.json");
    writeFileSync(file, readFileSync(file, "utf8").replace("payclients", "payclients "));
    const asCommitted = (path: string) =>
      path.endsWith("payclients-daxpay.json")
        ? committed("contracts/pacts/payclients-daxpay.json")
        : undefined;
    expect(problems(asCommitted)).toEqual([
      expect.stringMatching(/payclients-gatepay-otc\.json: not committed \(git has no such file at HEAD\)$/),
      expect.stringMatching(/payclients-daxpay\.json: differs from the committed pact \(git diff -- .+\)$/),
    ]);
  });
});

describe("declaredInteractions", () => {
  it("counts one interaction per .uponReceiving( call", () => {
    expect(declaredInteractions("pact.addInteraction().uponReceiving('a')\n x.uponReceiving(\"b\")")).toBe(2);
    expect(declaredInteractions("no interactions")).toBe(0);
  });
});

describe("rebuildPacts (npm run test:contracts)", () => {
  const pactsDir = () => join(dir, "installed");
  const committedDaxpay = () => readFileSync(join(PACTS_DIR, "payclients-daxpay.json"), "utf8");
  beforeEach(() => {
    mkdirSync(pactsDir());
    writeFileSync(join(pactsDir(), "payclients-daxpay.json"), committedDaxpay());
  });

  it("leaves the pacts untouched when the consumer tests fail part-way, whatever they wrote", () => {
    const failed = rebuildPacts(
      (scratch) => {
        writeFileSync(join(scratch, "payclients-daxpay.json"), committedDaxpay().slice(0, 100));
        return 1;
      },
      { root: dir, pactsDir: pactsDir(), apis: ["daxpay"] },
    );
    expect(failed).toEqual(["the consumer tests failed (exit 1, see above)"]);
    expect(readFileSync(join(pactsDir(), "payclients-daxpay.json"), "utf8")).toBe(committedDaxpay());
  });

  it("leaves them untouched when the tests pass but a pact lacks interactions its test declares", () => {
    mkdirSync(join(dir, "contracts"));
    copyFileSync(
      join(ROOT, "contracts", "daxpay.pact.test.ts"),
      join(dir, "contracts", "daxpay.pact.test.ts"),
    );
    const pact = JSON.parse(committedDaxpay()) as { interactions: unknown[] };
    const failed = rebuildPacts(
      (scratch) => {
        writeFileSync(join(scratch, "payclients-daxpay.json"), JSON.stringify({ ...pact, interactions: [] }));
        return 0;
      },
      { root: dir, pactsDir: pactsDir(), apis: ["daxpay"] },
    );
    expect(failed).toEqual([
      expect.stringContaining(
        `0 interactions, but contracts/daxpay.pact.test.ts declares ${pact.interactions.length}`,
      ),
    ]);
    expect(readFileSync(join(pactsDir(), "payclients-daxpay.json"), "utf8")).toBe(committedDaxpay());
  });

  it("moves complete pacts into place, and drops pacts no test wrote", () => {
    mkdirSync(join(dir, "contracts"));
    copyFileSync(
      join(ROOT, "contracts", "daxpay.pact.test.ts"),
      join(dir, "contracts", "daxpay.pact.test.ts"),
    );
    writeFileSync(join(pactsDir(), "payclients-gone.json"), "{}");
    const rewritten = committedDaxpay();
    const failed = rebuildPacts(
      (scratch) => {
        writeFileSync(join(scratch, "payclients-daxpay.json"), rewritten);
        return 0;
      },
      { root: dir, pactsDir: pactsDir(), apis: ["daxpay"] },
    );
    expect(failed).toEqual([]);
    expect(readdirSync(pactsDir())).toEqual(["payclients-daxpay.json"]);
  });
});
