// The provider states the consumer tests name, and how the provider verification sets each one up
// in the sandbox. A state is a sentence ("an unpaid prepay order M-1001 exists"); its pattern captures
// the ids in it, so the sentence in the pact is the only place they are written.
//
// Most states seed orders through the sandbox's seeding API. A few describe the provider disagreeing
// with the merchant (a different secret, a clock that runs ahead, a parameter it finds malformed):
// those set a switch in the ProviderWorld that the sandbox clock or the request filter
// (verify-provider.ts) reads. Every interaction starts from an empty sandbox and cleared switches.
//
// The notification (message) pacts name states too, events that happened ("prepay order M-1001 was
// closed"): MESSAGE_STATES says how the message verification (verify-messages.ts) brings each about,
// through the provider's API as the merchant would, or out of band as the customer would, so that the
// sandbox sends the notification the message describes.
import type { ApiName } from "../scripts/lib/apis.js";
import { createDaxPayClient } from "../src/daxpay/client.js";
import { createGatePayClient } from "../src/gatepay/client.js";
import { createPayerMaxClient } from "../src/payermax/client.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { payermaxEnvelope, payermaxPost } from "../src/sandbox/test-support.js";

/** What the state handlers and the request filter share while one pact is replayed. */
export interface ProviderWorld {
  readonly sandbox: Sandbox;
  /** How far the sandbox's clock runs ahead of real time, in ms. */
  clockOffsetMs: number;
  /** The request filter signs with a secret or key the provider does not hold. */
  foreignSigningKey: boolean;
  /** The request filter sends this body field as a number (a type the spec does not allow). */
  malformedField: string | undefined;
  /** GatePay OTC: the request filter sends a merchant id the provider does not know the client under. */
  foreignMerchantId: boolean;
}

/** Clears the switches; the sandbox is reset separately. */
export function clearSwitches(world: ProviderWorld): void {
  world.clockOffsetMs = 0;
  world.foreignSigningKey = false;
  world.malformedField = undefined;
  world.foreignMerchantId = false;
}

/** One provider state: the sentence's pattern, and how to bring the sandbox into it. */
export interface ProviderState {
  readonly pattern: RegExp;
  setup(world: ProviderWorld, ids: string[]): void | Promise<void>;
}

function arg(ids: string[], index: number): string {
  const value = ids[index];
  if (value === undefined) throw new Error(`provider state: capture ${index} is missing`);
  return value;
}

/** States every provider shares, with the provider's name in the sentence. */
function disagreements(provider: "GatePay" | "DaxPay" | "PayerMax", key: string): ProviderState[] {
  return [
    {
      pattern: new RegExp(`^${provider} holds a different ${key} for the merchant$`),
      setup: (world) => {
        world.foreignSigningKey = true;
      },
    },
    {
      pattern: new RegExp(`^${provider}'s clock is ([0-9]+) seconds ahead of the merchant's$`),
      setup: (world, ids) => {
        world.clockOffsetMs = Number(arg(ids, 0)) * 1000;
      },
    },
    {
      pattern: new RegExp(`^${provider} finds the request's ([A-Za-z]+) malformed$`),
      setup: (world, ids) => {
        world.malformedField = arg(ids, 0);
      },
    },
  ];
}

/** Sends one signed PayerMax cancel to the sandbox, as an earlier call of the merchant's would have. */
async function payermaxCancel(sandbox: Sandbox, requestId: string, outTradeNo: string): Promise<void> {
  // The sandbox runs with the contract credentials, so its own merchant key and ids are PAYERMAX's.
  const answer = await payermaxPost(
    sandbox,
    payermaxEnvelope(sandbox, Date.now(), { requestId, outTradeNo }),
  );
  if (answer.json?.code !== "APPLY_SUCCESS") {
    throw new Error(
      `provider state: the earlier cancel ${requestId} was answered ${String(answer.json?.code)}`,
    );
  }
}

const GATEPAY_PAYMENTS: ProviderState[] = [
  {
    pattern: /^an unpaid prepay order (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: arg(ids, 0), status: "PENDING" });
    },
  },
  {
    pattern: /^an unpaid prepay order with prepayId (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.gatepayPrepayOrder({ prepayId: arg(ids, 0), status: "PENDING" });
    },
  },
  {
    pattern: /^a paid prepay order (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: arg(ids, 0), status: "PAID" });
    },
  },
  {
    pattern: /^a closed prepay order (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: arg(ids, 0), status: "CLOSED" });
    },
  },
  { pattern: /^no prepay order (\S+) exists$/, setup: () => {} },
  ...disagreements("GatePay", "Payment API secret"),
];

const GATEPAY_OTC: ProviderState[] = [
  {
    pattern: /^a quote (\S+) for ([0-9.]+) (USDT|USDC) at ([0-9.]+) (USD) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.mintQuote({
        quoteToken: arg(ids, 0),
        amount: arg(ids, 1),
        currency: arg(ids, 2) as "USDT" | "USDC",
        fiatAmount: arg(ids, 3),
        fiatCurrency: arg(ids, 4) as "USD",
      });
    },
  },
  { pattern: /^no quote (\S+) exists$/, setup: () => {} },
  {
    pattern: /^an unpaid recharge (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.gatepayRecharge({ orderId: arg(ids, 0), status: "PENDING" });
    },
  },
  {
    pattern: /^a paid recharge (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.gatepayRecharge({ orderId: arg(ids, 0), status: "PAID" });
    },
  },
  {
    pattern: /^a cancelled recharge (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.gatepayRecharge({ orderId: arg(ids, 0), status: "CANCELLED" });
    },
  },
  { pattern: /^no recharge (\S+) exists$/, setup: () => {} },
  {
    pattern: /^GatePay knows the merchant's client id under a different merchant id$/,
    setup: (world) => {
      world.foreignMerchantId = true;
    },
  },
  ...disagreements("GatePay", "Payment API secret"),
];

const DAXPAY_STATUS = { unpaid: "progress", paid: "success", closed: "close", cancelled: "cancel" } as const;

const DAXPAY: ProviderState[] = [
  {
    pattern: /^an? (unpaid|paid|closed|cancelled) order with bizOrderNo (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      const status = DAXPAY_STATUS[arg(ids, 0) as keyof typeof DAXPAY_STATUS];
      sandbox.seed.daxpayOrder({ bizOrderNo: arg(ids, 1), status });
    },
  },
  {
    pattern: /^an? (unpaid|paid|closed|cancelled) order with orderNo (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      const status = DAXPAY_STATUS[arg(ids, 0) as keyof typeof DAXPAY_STATUS];
      sandbox.seed.daxpayOrder({ orderNo: arg(ids, 1), status });
    },
  },
  { pattern: /^no order with (?:bizOrderNo|orderNo) (\S+) exists$/, setup: () => {} },
  ...disagreements("DaxPay", "sign secret"),
];

const PAYERMAX_STATES: ProviderState[] = [
  {
    pattern: /^an authorised order (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.payermaxOrder({ outTradeNo: arg(ids, 0), status: "AUTHORIZED" });
    },
  },
  {
    pattern: /^a captured order (\S+) exists$/,
    setup: ({ sandbox }, ids) => {
      sandbox.seed.payermaxOrder({ outTradeNo: arg(ids, 0), status: "CAPTURED" });
    },
  },
  { pattern: /^no order (\S+) exists$/, setup: () => {} },
  {
    pattern: /^order (\S+) was cancelled by request (\S+)$/,
    setup: async ({ sandbox }, ids) => {
      sandbox.seed.payermaxOrder({ outTradeNo: arg(ids, 0), status: "AUTHORIZED" });
      await payermaxCancel(sandbox, arg(ids, 1), arg(ids, 0));
    },
  },
  ...disagreements("PayerMax", "public key"),
];

/** Every provider state the verification knows, per API. */
export const PROVIDER_STATES: Record<ApiName, ProviderState[]> = {
  "gatepay-payments": GATEPAY_PAYMENTS,
  "gatepay-otc": GATEPAY_OTC,
  daxpay: DAXPAY,
  payermax: PAYERMAX_STATES,
};

function findState<S extends { readonly pattern: RegExp }>(
  states: readonly S[],
  sentence: string,
): { state: S; ids: string[] } | undefined {
  const found = states.flatMap((state) => {
    const match = state.pattern.exec(sentence);
    // An optional part the sentence leaves out is captured as "".
    return match === null ? [] : [{ state, ids: match.slice(1).map((id) => id ?? "") }];
  });
  return found.length === 1 ? found[0] : undefined;
}

/** The state a sentence names, with its captured ids; undefined when no pattern (or more than one) matches. */
export function findProviderState(
  api: ApiName,
  sentence: string,
): { state: ProviderState; ids: string[] } | undefined {
  return findState(PROVIDER_STATES[api], sentence);
}

/**
 * A state a notification pact names: an event. `bringAbout` seeds the order and makes the change, on a
 * sandbox that was reset and sends its notifications to the merchant's endpoint; it resolves once the
 * change is made (the sandbox may still be delivering). Throws when the sandbox refuses the change.
 */
export interface MessageState {
  readonly pattern: RegExp;
  bringAbout(sandbox: Sandbox, ids: string[]): Promise<void>;
}

const NO_RETRIES = { retry: { retries: 0 } } as const;

/** Every state the notification pacts may name, per API. */
export const MESSAGE_STATES: Record<ApiName, MessageState[]> = {
  "gatepay-payments": [
    {
      pattern: /^prepay order (\S+)(?: \(prepayId (\S+)\))? was closed$/,
      bringAbout: async (sandbox, ids) => {
        const merchantTradeNo = arg(ids, 0);
        const prepayId = arg(ids, 1);
        sandbox.seed.gatepayPrepayOrder({
          merchantTradeNo,
          status: "PENDING",
          ...(prepayId === "" ? {} : { prepayId }),
        });
        const gatepay = createGatePayClient({
          ...sandbox.credentials.gatepay,
          baseUrl: sandbox.url,
          ...NO_RETRIES,
        });
        await gatepay.closeOrder({ merchantTradeNo });
      },
    },
  ],
  "gatepay-otc": [
    {
      pattern: /^OTC recharge (\S+) was paid$/,
      bringAbout: async (sandbox, ids) => {
        sandbox.seed.gatepayRecharge({ orderId: arg(ids, 0), status: "PENDING" });
        sandbox.setStatus("gatepayRecharge", arg(ids, 0), "PAID");
      },
    },
  ],
  daxpay: [
    {
      pattern: /^pay order (\S+)(?: \(bizOrderNo (\S+)\))? was cancelled$/,
      bringAbout: async (sandbox, ids) => {
        const orderNo = arg(ids, 0);
        const bizOrderNo = arg(ids, 1);
        sandbox.seed.daxpayOrder({
          orderNo,
          status: "progress",
          ...(bizOrderNo === "" ? {} : { bizOrderNo }),
        });
        const daxpay = createDaxPayClient({
          ...sandbox.credentials.daxpay,
          baseUrl: sandbox.url,
          ...NO_RETRIES,
        });
        await daxpay.cancel({ orderNo });
      },
    },
  ],
  payermax: [
    {
      pattern: /^the cancel (\S+) of order (\S+) settled$/,
      bringAbout: async (sandbox, ids) => {
        sandbox.seed.payermaxOrder({ outTradeNo: arg(ids, 1), status: "AUTHORIZED" });
        const payermax = createPayerMaxClient({
          ...sandbox.credentials.payermax,
          baseUrl: sandbox.url,
          ...NO_RETRIES,
        });
        // Answered PENDING; the CANCEL notification follows once the sandbox settles it.
        await payermax.cancel({ requestId: arg(ids, 0), outTradeNo: arg(ids, 1) });
      },
    },
    {
      pattern: /^order (\S+) was paid$/,
      bringAbout: async (sandbox, ids) => {
        sandbox.seed.payermaxOrder({ outTradeNo: arg(ids, 0), status: "AUTHORIZED" });
        sandbox.setStatus("payermaxOrder", arg(ids, 0), "CAPTURED");
      },
    },
  ],
};

/** The event a notification pact's state names, with its captured ids; undefined when no pattern (or more than one) matches. */
export function findMessageState(
  api: ApiName,
  sentence: string,
): { state: MessageState; ids: string[] } | undefined {
  return findState(MESSAGE_STATES[api], sentence);
}
