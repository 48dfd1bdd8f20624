// contracts:verify refuses pacts that are not whole: what it reports for a missing, truncated, short or
// uncommitted pact (the "contracts can shrink silently" scenario of issue 15), HTTP and notification
// (message) pacts alike, on copies of the real pacts.
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
import { basename, join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { declaredInteractions, declaredMessages, pactIntegrityProblems } from "./integrity.js";
import { PACTS_DIR, ROOT } from "./pacts.js";
import { rebuildPacts } from "./run-consumer.js";

const APIS = ["gatepay-otc", "daxpay", "payermax"] as const;
let dir: string;

/** What HEAD holds, as the real pacts do when the suite runs on a clean checkout. */
const committed = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** A copied pact's name as a problem gives it: its path relative to the repository root. */
const named = (file: string) => relative(ROOT, join(dir, file));

const SHRUNK = "(a consumer run that stopped part-way, or a pact edited by hand)";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "payclients-pacts-"));
  for (const api of APIS) {
    for (const file of [`payclients-${api}.json`, `payclients-notifications-${api}.json`]) {
      copyFileSync(join(PACTS_DIR, file), join(dir, file));
    }
  }
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
    for (const name of ["payclients-daxpay.json", "payclients-notifications-daxpay.json"]) {
      const file = join(dir, name);
      writeFileSync(file, readFileSync(file, "utf8").replace("payclients", "payclients "));
    }
    const asCommitted = (path: string) =>
      basename(path) === "payclients-gatepay-otc.json"
        ? undefined
        : committed(`contracts/pacts/${basename(path)}`);
    expect(problems(asCommitted)).toEqual([
      `${named("payclients-gatepay-otc.json")}: not committed (git has no such file at HEAD)`,
      `${named("payclients-daxpay.json")}: differs from the committed pact (git diff -- ${named("payclients-daxpay.json")})`,
      `${named("payclients-notifications-daxpay.json")}: differs from the committed pact (git diff -- ${named("payclients-notifications-daxpay.json")})`,
    ]);
  });
});

describe("pactIntegrityProblems on notification (message) pacts", () => {
  const messagePact = (api: string) => {
    const file = join(dir, `payclients-notifications-${api}.json`);
    return {
      file,
      pact: JSON.parse(readFileSync(file, "utf8")) as { interactions: { description: string }[] },
    };
  };

  it("refuses a message pact missing while its test declares messages for it", () => {
    rmSync(join(dir, "payclients-notifications-daxpay.json"));
    expect(problems()).toEqual([
      `${named("payclients-notifications-daxpay.json")}: missing (run npm run test:contracts)`,
    ]);
  });

  it("refuses a message pact cut short by a run that stopped part-way (invalid JSON)", () => {
    const { file } = messagePact("payermax");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const [problem, ...rest] = problems();
    expect(rest).toEqual([]);
    expect(
      problem?.startsWith(`${named("payclients-notifications-payermax.json")}: truncated or not JSON (`),
    ).toBe(true);
    expect(problem?.endsWith("); run npm run test:contracts")).toBe(true);
  });

  it("refuses a message pact truncated to fewer messages than its test declares (1 of 2, none of 2)", () => {
    const { file, pact } = messagePact("payermax");
    expect(pact.interactions.map((message) => message.description)).toEqual([
      "a CANCEL SUCCESS notification for cancel R-1001",
      "a PAYMENT SUCCESS notification for order O_1002",
    ]);
    writeFileSync(file, JSON.stringify({ ...pact, interactions: pact.interactions.slice(0, 1) }));
    expect(problems()).toEqual([
      `${named("payclients-notifications-payermax.json")}: 1 message, but contracts/notifications.pact.test.ts declares 2 for payermax ${SHRUNK}`,
    ]);
    writeFileSync(file, JSON.stringify({ ...pact, interactions: [] }));
    expect(problems()).toEqual([
      `${named("payclients-notifications-payermax.json")}: 0 messages, but contracts/notifications.pact.test.ts declares 2 for payermax ${SHRUNK}`,
    ]);
  });

  it("refuses a message pact holding a message its test does not declare", () => {
    const { file, pact } = messagePact("daxpay");
    const [message] = pact.interactions;
    const extra = {
      ...message,
      description: "a payment notice with status close for order 1753370980523384832",
    };
    writeFileSync(file, JSON.stringify({ ...pact, interactions: [...pact.interactions, extra] }));
    expect(problems()).toEqual([
      `${named("payclients-notifications-daxpay.json")}: 2 messages, but contracts/notifications.pact.test.ts declares 1 for daxpay ${SHRUNK}`,
    ]);
  });

  it("refuses messages declared for no API it can name: after a pactFor(variable), or for an unknown API", () => {
    mkdirSync(join(dir, "contracts"));
    writeFileSync(
      join(dir, "contracts", "notifications.pact.test.ts"),
      [
        'for (const api of APIS) await pactFor(api).addAsynchronousInteraction().expectsToReceive("a", m);',
        'await pactFor(apiOf("b")).addAsynchronousInteraction().expectsToReceive("b", m);',
        'await pactFor("daxpy").addAsynchronousInteraction().expectsToReceive("c", m);',
      ].join("\n"),
    );
    expect(pactIntegrityProblems({ dir, root: dir, apis: [] })).toEqual([
      "contracts/notifications.pact.test.ts: 2 messages after a pactFor( without a literal API name, so no pact can be checked against them",
      'contracts/notifications.pact.test.ts: 1 message for "daxpy", not an API of redocly.yaml',
    ]);
  });
});

describe("declaredInteractions", () => {
  it("counts one interaction per .uponReceiving( call", () => {
    expect(declaredInteractions("pact.addInteraction().uponReceiving('a')\n x.uponReceiving(\"b\")")).toBe(2);
    expect(declaredInteractions("no interactions")).toBe(0);
  });
});

describe("declaredMessages", () => {
  it('counts each .expectsToReceive( for the API of the nearest pactFor("<api>") before it', () => {
    const source = [
      'pactFor("daxpay").addAsynchronousInteraction().expectsToReceive("a", m);',
      'x.expectsToReceive("b", m); pactFor(\'payermax\').expectsToReceive("c", m);',
      'pactFor("daxpay").expectsToReceive("d", m); notpactFor("payermax").uponReceiving("e")',
    ].join("\n");
    expect(declaredMessages(source)).toEqual(
      new Map([
        ["daxpay", 3],
        ["payermax", 1],
      ]),
    );
    expect(declaredMessages("no messages")).toEqual(new Map());
  });

  it('counts messages before any pactFor(, or after one without a literal, under ""', () => {
    expect(declaredMessages('m.expectsToReceive("a"); pactFor(api).expectsToReceive("b")')).toEqual(
      new Map([["", 2]]),
    );
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

  it("leaves them untouched when the tests pass but a message pact lacks messages its test declares", () => {
    mkdirSync(join(dir, "contracts"));
    for (const test of ["daxpay.pact.test.ts", "notifications.pact.test.ts"]) {
      copyFileSync(join(ROOT, "contracts", test), join(dir, "contracts", test));
    }
    const messages = JSON.parse(
      readFileSync(join(PACTS_DIR, "payclients-notifications-daxpay.json"), "utf8"),
    );
    const failed = rebuildPacts(
      (scratch) => {
        writeFileSync(join(scratch, "payclients-daxpay.json"), committedDaxpay());
        writeFileSync(
          join(scratch, "payclients-notifications-daxpay.json"),
          JSON.stringify({ ...messages, interactions: [] }),
        );
        return 0;
      },
      { root: dir, pactsDir: pactsDir(), apis: ["daxpay"] },
    );
    // The scratch folder's name is random: .tmp/pacts-XXXXXX/.
    expect(failed.map((problem) => problem.replace(/^\.tmp\/pacts-[^/]+\//, ""))).toEqual([
      `payclients-notifications-daxpay.json: 0 messages, but contracts/notifications.pact.test.ts declares 1 for daxpay ${SHRUNK}`,
    ]);
    expect(readdirSync(pactsDir())).toEqual(["payclients-daxpay.json"]);
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
