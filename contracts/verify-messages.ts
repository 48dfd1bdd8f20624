// Verification 3, the notifications: every message of every notification pact in contracts/pacts/ is
// checked against the notification the sandbox really sends (verify-spec.ts checks the same messages
// against the specs' webhooks; this checks them against a provider that sends them).
//
// - One sandbox, with the contract's test credentials, sends its notifications to a loopback merchant
//   endpoint built with payclients' own createNotificationHandler, which records each delivery as it
//   arrived: raw body, headers, and what payclients made of it.
// - For each message the sandbox is reset and the event its provider state names is brought about
//   (provider-states.ts, MESSAGE_STATES: closing a prepay order, a recharge paid, a cancel...). The
//   one notification that follows is the message the provider produced.
// - Pact's own message verification (MessageProviderPact) compares it with the pact, so the matching
//   rules are honoured exactly as a broker's verification would: the body against the content, and the
//   headers the pact names against its metadata (signing headers by the spec's formats).
// - `webhook` in a message's metadata is not a header: it names the spec webhook the message is. The
//   sandbox's notification is given the name of what payclients' handler verified it as (a GatePay
//   payOrder is payOrderNotification...), so a notification payclients refuses, or takes for another
//   kind, fails on that key too.
//
// Run alone with `tsx contracts/verify-messages.ts`; `npm run contracts:verify` runs it after the
// other two verifications.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { MessageProviderPact } from "@pact-foundation/pact";
import type { ApiName } from "../scripts/lib/apis.js";
import { createMemoryReplayStore } from "../src/index.js";
import { createNotificationHandler, type NotificationEvent } from "../src/notifications.js";
import { type Sandbox, type SandboxCredentialsInput, startSandbox } from "../src/sandbox/index.js";
import type { PactMessage } from "./notifications.js";
import { isApiName, NOTIFICATIONS_CONSUMER, PACTS_DIR, readPactFiles } from "./pacts.js";
import { findMessageState } from "./provider-states.js";
import { DAXPAY, GATEPAY, PAYERMAX, SANDBOX_CREDENTIALS } from "./support/credentials.js";

// Pact's native verifier reads this when it starts: no usage telemetry, however this module is run.
process.env.PACT_DO_NOT_TRACK = "true";

/** One notification as the merchant's endpoint received it. */
interface Delivery {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  /** What payclients' handler verified it as; undefined when it refused it. */
  event?: NotificationEvent;
  /** The handler's answer, e.g. `200 SUCCESS` or `401 {"error":"invalid_signature"}`. */
  answer?: string;
}

/** The merchant's endpoint: payclients' handler with the contract credentials, recording every delivery. */
interface Merchant {
  readonly url: string;
  readonly deliveries: Delivery[];
  close(): Promise<void>;
}

function requestHeaders(headers: IncomingHttpHeaders): Headers {
  const copy = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) copy.append(name, item);
    else if (value !== undefined) copy.set(name, value);
  }
  return copy;
}

async function startMerchant(): Promise<Merchant> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const delivery: Delivery = { body: raw.toString("utf8"), headers: request.headers };
      deliveries.push(delivery);
      // A handler per delivery, so each event lands on its own record whatever the order of arrival,
      // with its own replay memory: the default one is the process's, and a DaxPay notice is the same
      // text (same sign) when a run repeats within the same second.
      const replayStore = createMemoryReplayStore();
      const handler = createNotificationHandler({
        gatepay: { secret: GATEPAY.secret, replayStore },
        daxpay: { secret: DAXPAY.secret, signType: DAXPAY.signType, replayStore },
        payermax: { platformPublicKey: PAYERMAX.platformPublicKey, replayStore },
        onNotification(event) {
          delivery.event = event;
        },
      });
      const forwarded = new Request(new URL(request.url ?? "/", "http://127.0.0.1"), {
        method: request.method ?? "POST",
        headers: requestHeaders(request.headers),
        body: new Uint8Array(raw),
      });
      void handler(forwarded).then(async (answer) => {
        const text = await answer.text();
        delivery.answer = `${answer.status} ${text}`;
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The spec webhook a verified notification is (the `webhook` key of a message's metadata). */
function webhookOf(event: NotificationEvent | undefined): string | undefined {
  switch (event?.provider) {
    case "gatepay":
      return { payOrder: "payOrderNotification", otcOrder: "otcOrderNotification", other: undefined }[
        event.notification.kind
      ];
    case "daxpay":
      return "payNotice";
    case "payermax":
      return { payment: "paymentNotification", cancel: "cancelNotification", other: undefined }[
        event.notification.kind
      ];
    default:
      return undefined;
  }
}

/**
 * The metadata of a delivery as the pact names it: each header the message's metadata names, spelt as
 * there (HTTP header names are case-insensitive), and `webhook`. A header that was not sent is left
 * out, so Pact reports it missing.
 */
function metadataOf(message: PactMessage, delivery: Delivery): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(message.metadata ?? {})) {
    const value = key === "webhook" ? webhookOf(delivery.event) : delivery.headers[key.toLowerCase()];
    if (typeof value === "string") metadata[key] = value;
  }
  return metadata;
}

function contentOf(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // Compared as it came: Pact reports a text body where JSON was expected.
    return body;
  }
}

/** What a verifier's mismatch entry holds (pact_verifier's JSON result, `errors[].mismatch`). */
interface VerifierMismatch {
  type?: string;
  path?: string;
  key?: string;
  mismatch?: string;
  message?: string;
}

/** Where a mismatch is: `body $.status`, `metadata sign`. */
function place(entry: VerifierMismatch): string {
  if (entry.type === "BodyMismatch") return `body ${entry.path ?? "$"}`;
  if (entry.type === "MetadataMismatch") return `metadata ${entry.key ?? "?"}`;
  return entry.type ?? "mismatch";
}

/**
 * One line per mismatch from the verifier's rejection (its whole result as JSON), each naming the
 * message by its description; the verifier's own message when it is not that JSON.
 */
function mismatchesOf(error: unknown, descriptions: readonly string[], failed: Set<string>): string[] {
  const text = error instanceof Error ? error.message : String(error);
  let result: {
    errors?: { interaction?: string; mismatch?: VerifierMismatch & { mismatches?: VerifierMismatch[] } }[];
  };
  try {
    result = JSON.parse(text) as typeof result;
  } catch {
    return [text];
  }
  const lines: string[] = [];
  for (const { interaction = "", mismatch } of result.errors ?? []) {
    // "Verifying a pact between A and B Given <state> - <description>": the longest description that ends it.
    const description = descriptions
      .filter((candidate) => interaction.endsWith(` - ${candidate}`) || interaction.endsWith(candidate))
      .sort((a, b) => b.length - a.length)[0];
    // A message whose notification never came already says why; Pact's "provider failed" adds nothing.
    if (description !== undefined && failed.has(description)) continue;
    const name = description === undefined ? interaction : `"${description}"`;
    const entries = mismatch?.mismatches ?? (mismatch === undefined ? [] : [mismatch]);
    if (entries.length === 0) lines.push(`${name}: failed`);
    for (const entry of entries) {
      lines.push(`${name}: ${place(entry)}: ${entry.mismatch ?? entry.message ?? JSON.stringify(entry)}`);
    }
  }
  // A rejection naming no message at all is still a failure: say what the verifier said.
  return (result.errors ?? []).length > 0 ? lines : [text];
}

/** The outcome for one notification pact. */
export interface MessageReport {
  file: string;
  messages: number;
  ok: boolean;
  /** One line per problem, each naming the pact, the message and the field: `<pact>: "<description>": body $.status: …`. */
  failures: string[];
}

interface Run {
  readonly sandbox: Sandbox;
  readonly merchant: Merchant;
}

/** Brings about the message's event and returns the one notification the sandbox sent for it. */
async function sendFor(run: Run, api: ApiName, message: PactMessage): Promise<Delivery> {
  run.sandbox.reset();
  run.merchant.deliveries.length = 0;
  for (const { name } of message.providerStates ?? []) {
    const found = findMessageState(api, name);
    if (found === undefined) throw new Error(`no state "${name}"`);
    try {
      await found.state.bringAbout(run.sandbox, found.ids);
    } catch (error) {
      throw new Error(`bringing about "${name}" failed: ${(error as Error).message}`);
    }
  }
  await run.sandbox.notificationsSettled();
  const sent = run.merchant.deliveries;
  if (sent.length !== 1) {
    const states = (message.providerStates ?? []).map((state) => `"${state.name}"`).join(", ");
    throw new Error(
      `the sandbox sent ${sent.length} notifications after ${states || "no provider state"}, expected exactly one`,
    );
  }
  return sent[0] as Delivery;
}

async function verifyOne(run: Run, file: string, api: ApiName, messages: PactMessage[]): Promise<string[]> {
  const name = basename(file);
  const unknown = [
    ...new Set(messages.flatMap((message) => (message.providerStates ?? []).map((state) => state.name))),
  ].filter((sentence) => findMessageState(api, sentence) === undefined);
  if (unknown.length > 0) {
    return [
      `${name}: no message state (or more than one) in contracts/provider-states.ts matches: ${unknown
        .map((sentence) => `"${sentence}"`)
        .join(", ")}`,
    ];
  }
  const ours: string[] = [];
  const failed = new Set<string>();
  const messageProviders = Object.fromEntries(
    messages.map((message) => [
      message.description,
      async () => {
        let delivery: Delivery;
        try {
          delivery = await sendFor(run, api, message);
        } catch (error) {
          failed.add(message.description);
          ours.push(`${name}: "${message.description}": ${(error as Error).message}`);
          throw error;
        }
        if (delivery.event === undefined) {
          ours.push(
            `${name}: "${message.description}": payclients' notification handler refused the sandbox's notification (${delivery.answer ?? "no answer"})`,
          );
        }
        return { __pactMessageMetadata: metadataOf(message, delivery), message: contentOf(delivery.body) };
      },
    ]),
  );
  try {
    await new MessageProviderPact({
      provider: api,
      pactUrls: [file],
      logLevel: "error",
      messageProviders,
    }).verify();
    return ours;
  } catch (error) {
    const descriptions = messages.map((message) => message.description);
    return [...ours, ...mismatchesOf(error, descriptions, failed).map((line) => `${name}: ${line}`)];
  }
}

/** Options of {@link verifyMessagesAgainstSandbox}. */
export interface MessageVerificationOptions {
  /**
   * The sandbox's credentials; default the contract's. The merchant's endpoint always holds the
   * contract's, so others play a provider signing with keys the merchant does not have.
   */
  readonly sandboxCredentials?: SandboxCredentialsInput;
}

/**
 * Checks every message of every notification pact in `dir` against what one sandbox sends: one report
 * per notification pact (HTTP pacts are left to verify-provider.ts), sorted by file name. Failures are
 * in the reports; it throws only when the sandbox or the merchant's endpoint cannot start.
 */
export async function verifyMessagesAgainstSandbox(
  dir: string = PACTS_DIR,
  options: MessageVerificationOptions = {},
): Promise<MessageReport[]> {
  const merchant = await startMerchant();
  let sandbox: Sandbox | undefined;
  const reports: MessageReport[] = [];
  try {
    sandbox = await startSandbox({
      credentials: options.sandboxCredentials ?? SANDBOX_CREDENTIALS,
      notifyUrl: merchant.url,
      // One attempt each, settled at once: the merchant's endpoint is right here and always answers.
      notifications: { retryDelaysMs: [], payermaxCancelSettleMs: 0 },
    });
    const run: Run = { sandbox, merchant };
    for (const { file, pact } of readPactFiles(dir)) {
      if (pact.consumer.name !== NOTIFICATIONS_CONSUMER) continue;
      const api = pact.provider.name;
      const messages = pact.interactions as unknown as PactMessage[];
      const failures = isApiName(api)
        ? await verifyOne(run, file, api, messages)
        : [`${basename(file)}: no sandbox provider "${api}"`];
      reports.push({ file, messages: messages.length, ok: failures.length === 0, failures });
    }
  } finally {
    await sandbox?.stop();
    await merchant.close();
  }
  return reports;
}

/** Prints the reports; returns true when every message of every notification pact passed. */
export function printMessageReports(reports: MessageReport[]): boolean {
  if (reports.length === 0) {
    console.error(
      "verify-messages: no notification pacts in contracts/pacts/ — run `npm run test:contracts` first.",
    );
    return false;
  }
  for (const report of reports) {
    const name = basename(report.file);
    const count = report.messages === 1 ? "1 message matches" : `${report.messages} messages match`;
    if (report.ok) console.log(`verify-messages: ✓ ${name}: ${count} what the sandbox sends`);
    for (const failure of report.failures) console.error(`verify-messages: ✗ ${failure}`);
  }
  return reports.every((report) => report.ok);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ok = printMessageReports(await verifyMessagesAgainstSandbox());
  process.exit(ok ? 0 : 1);
}
