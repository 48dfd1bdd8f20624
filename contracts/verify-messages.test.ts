// Proves that verification 3 (contracts/verify-messages.ts) passes the committed notification pacts
// against what the sandbox sends, and fails, naming the pact, the message and the field, when the
// sandbox's notification differs from a message: a pinned value, a header's form, a header or webhook.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PactMessage } from "./notifications.js";
import { PACTS_DIR } from "./pacts.js";
import { GATEPAY, SANDBOX_CREDENTIALS } from "./support/credentials.js";
import { type MessageVerificationOptions, verifyMessagesAgainstSandbox } from "./verify-messages.js";

type MessagePact = {
  interactions: (PactMessage & { matchingRules?: Record<string, Record<string, unknown>> })[];
};

const PAY_CLOSE = '"a PAY_CLOSE notification for prepay order M-1001"';

describe("verify-messages", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Verifies a copy of one committed notification pact, changed by `edit`. */
  async function verifyChanged(
    api: string,
    edit: (pact: MessagePact) => void,
    options?: MessageVerificationOptions,
  ) {
    const name = `payclients-notifications-${api}.json`;
    const pact = JSON.parse(readFileSync(join(PACTS_DIR, name), "utf8")) as MessagePact;
    edit(pact);
    dir = mkdtempSync(join(tmpdir(), "payclients-verify-messages-"));
    writeFileSync(join(dir, name), JSON.stringify(pact));
    const reports = await verifyMessagesAgainstSandbox(dir, options);
    expect(reports.map((report) => ({ ...report, file: basename(report.file) }))).toMatchObject([
      { file: name, ok: false },
    ]);
    return reports[0]?.failures;
  }

  it("passes every message of the committed notification pacts, and leaves the HTTP pacts alone", async () => {
    const reports = await verifyMessagesAgainstSandbox(PACTS_DIR);
    expect(reports.map((report) => ({ ...report, file: basename(report.file) }))).toEqual([
      { file: "payclients-notifications-daxpay.json", messages: 1, ok: true, failures: [] },
      { file: "payclients-notifications-gatepay-otc.json", messages: 1, ok: true, failures: [] },
      { file: "payclients-notifications-gatepay-payments.json", messages: 1, ok: true, failures: [] },
      { file: "payclients-notifications-payermax.json", messages: 2, ok: true, failures: [] },
    ]);
  });

  // Pact's native verifier prints its report straight to stdout: the FAILED reports it prints here are
  // these tests' expected failures.
  it("fails a pinned value the sandbox does not send, naming the pact, the message and the field (expected FAILED report)", async () => {
    const failures = await verifyChanged("daxpay", (pact) => {
      const content = pact.interactions[0]?.contents?.content as Record<string, unknown>;
      content.status = "close";
    });
    expect(failures).toEqual([
      "payclients-notifications-daxpay.json: \"a payment notice with status cancel for order 1753370980523384832\": body $.status: Expected 'cancel' (String) to be equal to 'close' (String)",
    ]);
  });

  it("fails a signing header the sandbox sends in another form than the pact pins (expected FAILED report)", async () => {
    const failures = await verifyChanged("gatepay-payments", (pact) => {
      const rules = pact.interactions[0]?.matchingRules?.metadata as Record<string, { matchers: unknown[] }>;
      rules["X-GatePay-Nonce"] = { matchers: [{ match: "regex", regex: "^[0-9]{1,32}$" }] };
    });
    // The sandbox's nonce is new for every delivery: 32 letters and digits, not all digits.
    expect(failures).toHaveLength(1);
    expect(failures?.[0]).toMatch(
      new RegExp(
        `^payclients-notifications-gatepay-payments\\.json: ${PAY_CLOSE}: metadata X-GatePay-Nonce: ` +
          `Expected metadata key 'X-GatePay-Nonce' to have value '"ContractNonce0001"' but was '"[A-Za-z0-9]{32}"' - ` +
          `Expected '[A-Za-z0-9]{32}' to match '\\^\\[0-9\\]\\{1,32\\}\\$'$`,
      ),
    );
  });

  it("fails a header the sandbox does not send, and a message taken for another webhook (expected FAILED report)", async () => {
    const failures = await verifyChanged("payermax", (pact) => {
      const [cancel, payment] = pact.interactions;
      if (cancel?.metadata === undefined || payment?.metadata === undefined) throw new Error("no metadata");
      cancel.metadata["X-PayerMax-Trace"] = "T-1";
      payment.metadata.webhook = "cancelNotification";
    });
    expect(failures).toEqual([
      `payclients-notifications-payermax.json: "a CANCEL SUCCESS notification for cancel R-1001": metadata X-PayerMax-Trace: Expected message metadata 'X-PayerMax-Trace' but was missing`,
      `payclients-notifications-payermax.json: "a PAYMENT SUCCESS notification for order O_1002": metadata webhook: Expected metadata key 'webhook' to have value '"cancelNotification"' but was '"paymentNotification"' - Expected 'paymentNotification' (String) to be equal to 'cancelNotification' (String)`,
    ]);
  });

  it("fails a notification payclients' handler refuses: a sandbox signing with a secret the merchant does not hold (expected FAILED report)", async () => {
    const failures = await verifyChanged("gatepay-payments", () => {}, {
      sandboxCredentials: {
        ...SANDBOX_CREDENTIALS,
        gatepay: { ...GATEPAY, secret: "not-the-merchant-secret" },
      },
    });
    expect(failures).toEqual([
      `payclients-notifications-gatepay-payments.json: ${PAY_CLOSE}: payclients' notification handler refused the sandbox's notification (401 {"error":"signature_invalid"})`,
      `payclients-notifications-gatepay-payments.json: ${PAY_CLOSE}: metadata webhook: Expected message metadata 'webhook' but was missing`,
    ]);
  });

  it("fails a message after which the sandbox sends no notification: one that names no provider state (expected FAILED report)", async () => {
    const failures = await verifyChanged("gatepay-payments", (pact) => {
      const [message] = pact.interactions;
      if (message !== undefined) message.providerStates = [];
    });
    expect(failures).toEqual([
      `payclients-notifications-gatepay-payments.json: ${PAY_CLOSE}: the sandbox sent 0 notifications after no provider state, expected exactly one`,
    ]);
  });

  it("fails a message whose provider state names no event the verification can bring about", async () => {
    const failures = await verifyChanged("gatepay-payments", (pact) => {
      const [message] = pact.interactions;
      if (message !== undefined) message.providerStates = [{ name: "GatePay is having a bad day" }];
    });
    expect(failures).toEqual([
      'payclients-notifications-gatepay-payments.json: no message state (or more than one) in contracts/provider-states.ts matches: "GatePay is having a bad day"',
    ]);
  });
}, 30_000);
