#!/usr/bin/env node
// `npx payclients <cancel|close|cancel-recharge> ...`: the operator's way to cancel one unpaid order
// from a shell, with the same clients and the same normalised outcome as cancelOrder(). Credentials
// come from the environment variables the README's clients.ts reads; `--sandbox` starts an in-process
// sandbox, seeds the named order unpaid and uses the sandbox's credentials instead, to try it out.
// No top-level await: the file stays loadable by require() too.

import { parseArgs } from "node:util";
import { type CancelOrderClients, type CancelOrderTarget, cancelOrder } from "./cancel.js";
import { PayClientError } from "./core/errors.js";
import { createDaxPayClient } from "./daxpay/client.js";
import { createGatePayClient } from "./gatepay/client.js";
import { createPayerMaxClient } from "./payermax/client.js";

const USAGE = `usage:
  payclients cancel --provider gatepay  (--merchant-trade-no <no> | --prepay-id <id> | --order-id <id>)
  payclients cancel --provider daxpay   (--order-no <no> | --biz-order-no <no>) [--client-ip <ip>]
  payclients cancel --provider payermax --out-trade-no <no> --request-id <id>
  payclients close           (--merchant-trade-no <no> | --prepay-id <id>)   GatePay closeOrder
  payclients cancel-recharge --order-id <id>                                GatePay OTC cancelRecharge
Options: --sandbox (try against an in-process sandbox), --help.
Environment: GATEPAY_CLIENT_ID, GATEPAY_SECRET, GATEPAY_MERCHANT_ID (OTC), GATEPAY_BASE_URL;
  DAXPAY_BASE_URL, DAXPAY_SECRET, DAXPAY_SIGN_TYPE (HMAC_SHA256 | MD5); PAYERMAX_APP_ID,
  PAYERMAX_MERCHANT_NO, PAYERMAX_PRIVATE_KEY, PAYERMAX_PLATFORM_PUBLIC_KEY, PAYERMAX_ENV
  (uat | production), PAYERMAX_BASE_URL.
Prints cancelOrder's result as one JSON line. Exit 0: cancelled or pending; 3: rejected or unknown;
1: a PayClientError (its type is printed); 2: bad usage or a missing environment variable.`;

/** Bad arguments: exit 2, with the usage. */
class UsageError extends Error {
  override name = "UsageError";
}

/** A required environment variable is not set: exit 2, naming it. */
class MissingEnvironmentError extends Error {
  override name = "MissingEnvironmentError";
}

const OPTIONS = {
  provider: { type: "string" },
  "merchant-trade-no": { type: "string" },
  "prepay-id": { type: "string" },
  "order-id": { type: "string" },
  "order-no": { type: "string" },
  "biz-order-no": { type: "string" },
  "client-ip": { type: "string" },
  "out-trade-no": { type: "string" },
  "request-id": { type: "string" },
  sandbox: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string;
};

/** The ids each provider's cancel takes, as CLI flag → request field. */
const IDS: Record<string, Readonly<Record<string, string>>> = {
  gatepay: { "merchant-trade-no": "merchantTradeNo", "prepay-id": "prepayId", "order-id": "orderId" },
  daxpay: { "order-no": "orderNo", "biz-order-no": "bizOrderNo", "client-ip": "clientIp" },
  payermax: { "out-trade-no": "outTradeNo", "request-id": "requestId" },
};

function targetOf(command: string, values: Values): CancelOrderTarget {
  let provider: string | undefined;
  let allowed: readonly string[];
  if (command === "cancel") {
    provider = values.provider;
    if (provider === undefined || !Object.hasOwn(IDS, provider)) {
      throw new UsageError("cancel needs --provider gatepay, daxpay or payermax");
    }
    allowed = Object.keys(IDS[provider] ?? {});
  } else if (command === "close") {
    provider = "gatepay";
    allowed = ["merchant-trade-no", "prepay-id"];
  } else if (command === "cancel-recharge") {
    provider = "gatepay";
    allowed = ["order-id"];
  } else {
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
  if (command !== "cancel" && values.provider !== undefined) {
    throw new UsageError(`${command} is GatePay's; it takes no --provider`);
  }
  const fields = IDS[provider] ?? {};
  const target: Record<string, string> = { provider };
  for (const [flag, value] of Object.entries(values)) {
    if (flag === "provider" || flag === "sandbox" || flag === "help" || value === undefined) continue;
    if (!allowed.includes(flag)) throw new UsageError(`${command} --provider ${provider} takes no --${flag}`);
    target[fields[flag] ?? flag] = String(value);
  }
  if (Object.keys(target).length === 1) {
    throw new UsageError(`name the order: ${allowed.map((flag) => `--${flag}`).join(" or ")}`);
  }
  // The clients check the rest (one id of a pair, formats, lengths) and throw a ValidationError.
  return target as unknown as CancelOrderTarget;
}

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "")
    throw new MissingEnvironmentError(`set ${name} in the environment`);
  return value;
}

function optionalEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The one client the order's provider needs, from the environment. */
function clientsFromEnvironment(provider: string): CancelOrderClients {
  switch (provider) {
    case "gatepay": {
      const merchantId = optionalEnv("GATEPAY_MERCHANT_ID");
      const baseUrl = optionalEnv("GATEPAY_BASE_URL");
      return {
        gatepay: createGatePayClient({
          clientId: env("GATEPAY_CLIENT_ID"),
          secret: env("GATEPAY_SECRET"),
          ...(merchantId === undefined ? {} : { merchantId }),
          ...(baseUrl === undefined ? {} : { baseUrl }),
        }),
      };
    }
    case "daxpay": {
      const signType = optionalEnv("DAXPAY_SIGN_TYPE");
      return {
        daxpay: createDaxPayClient({
          baseUrl: env("DAXPAY_BASE_URL"),
          secret: env("DAXPAY_SECRET"),
          // The client checks the value and names it in a ValidationError.
          ...(signType === undefined ? {} : { signType: signType as "HMAC_SHA256" }),
        }),
      };
    }
    default: {
      const merchantNo = optionalEnv("PAYERMAX_MERCHANT_NO");
      const environment = optionalEnv("PAYERMAX_ENV");
      const baseUrl = optionalEnv("PAYERMAX_BASE_URL");
      return {
        payermax: createPayerMaxClient({
          appId: env("PAYERMAX_APP_ID"),
          privateKey: env("PAYERMAX_PRIVATE_KEY"),
          platformPublicKey: env("PAYERMAX_PLATFORM_PUBLIC_KEY"),
          ...(merchantNo === undefined ? {} : { merchantNo }),
          ...(environment === undefined ? {} : { environment: environment as "uat" }),
          ...(baseUrl === undefined ? {} : { baseUrl }),
        }),
      };
    }
  }
}

/** Runs the order against an in-process sandbox that holds it unpaid; returns the result. */
async function runInSandbox(target: CancelOrderTarget): Promise<unknown> {
  const { startSandbox } = await import("./sandbox/server.js");
  const sandbox = await startSandbox();
  try {
    const { url, credentials } = sandbox;
    const ids = target as unknown as Record<string, string>;
    try {
      if (target.provider === "gatepay") {
        if (ids.orderId !== undefined) sandbox.seed.gatepayRecharge({ orderId: ids.orderId });
        else
          sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: ids.merchantTradeNo, prepayId: ids.prepayId });
      } else if (target.provider === "daxpay") {
        sandbox.seed.daxpayOrder({ orderNo: ids.orderNo, bizOrderNo: ids.bizOrderNo });
      } else {
        sandbox.seed.payermaxOrder({ outTradeNo: ids.outTradeNo });
      }
      console.error(
        `payclients: --sandbox: an unpaid ${target.provider} order seeded in a sandbox at ${url}`,
      );
    } catch {
      // An id the provider would refuse cannot be seeded. The client below names the field and rule
      // when it checks that rule; otherwise (a PayerMax outTradeNo outside letters, digits and _) it
      // sends the id and the sandbox answers it as the unknown order it is, as PayerMax would.
    }
    const clients: CancelOrderClients = {
      gatepay: createGatePayClient({ ...credentials.gatepay, baseUrl: url }),
      daxpay: createDaxPayClient({ ...credentials.daxpay, baseUrl: url }),
      payermax: createPayerMaxClient({ ...credentials.payermax, baseUrl: url }),
    };
    return await cancelOrder(clients, target);
  } finally {
    await sandbox.stop();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  let values: Values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const target = targetOf(command, values);
  const result = (
    values.sandbox === true
      ? await runInSandbox(target)
      : await cancelOrder(clientsFromEnvironment(target.provider), target)
  ) as { outcome: string };
  console.log(JSON.stringify(result));
  return result.outcome === "cancelled" || result.outcome === "pending" ? 0 : 3;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof PayClientError) {
      // The error's own JSON carries no secrets (see PayClientError.toJSON).
      console.error(`payclients: ${error.name} (${error.type}): ${error.message}`);
      console.error(JSON.stringify(error));
      process.exitCode = 1;
    } else if (error instanceof UsageError) {
      console.error(`payclients: UsageError: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof MissingEnvironmentError) {
      console.error(`payclients: MissingEnvironmentError: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error(
        `payclients: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
      process.exitCode = 1;
    }
  },
);
