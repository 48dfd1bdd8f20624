// Runs the real sandbox (src/sandbox) in its own process, so on this 2-core machine the sandbox has a
// core and the load generator the other. Seeds unpaid orders, then reports the URL, the credentials and
// the order ids over IPC; stops the sandbox when the parent disconnects.
import { fork } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SandboxCredentials } from "../../../src/sandbox/index.js";

const root = resolve(import.meta.dirname, "..", "..", "..");

/** What the child reports once the sandbox listens. */
export interface SandboxReady {
  readonly url: string;
  readonly credentials: SandboxCredentials;
  readonly gatepayMerchantTradeNos: string[];
  readonly daxpayOrderNos: string[];
  readonly payermaxOutTradeNos: string[];
}

export interface SandboxProcess extends SandboxReady {
  stop(): Promise<void>;
}

/** Starts the sandbox in a child process with `ordersPerProvider` unpaid orders of each provider. */
export function startSandboxProcess(ordersPerProvider: number): Promise<SandboxProcess> {
  const child = fork(fileURLToPath(import.meta.url), ["--child", String(ordersPerProvider)], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolveReady, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`sandbox process exited early (code ${code})`)));
    child.once("message", (message) => {
      child.removeAllListeners("exit");
      resolveReady({
        ...(message as SandboxReady),
        stop: () =>
          new Promise((resolveStop) => {
            child.once("exit", () => resolveStop());
            child.disconnect();
          }),
      });
    });
  });
}

async function runChild(ordersPerProvider: number): Promise<void> {
  const { startSandbox } = await import("../../../src/sandbox/index.js");
  const sandbox = await startSandbox();
  const ready: SandboxReady = {
    url: sandbox.url,
    credentials: sandbox.credentials,
    gatepayMerchantTradeNos: [],
    daxpayOrderNos: [],
    payermaxOutTradeNos: [],
  };
  for (let i = 0; i < ordersPerProvider; i++) {
    ready.gatepayMerchantTradeNos.push(sandbox.seed.gatepayPrepayOrder().merchantTradeNo);
    ready.daxpayOrderNos.push(sandbox.seed.daxpayOrder().orderNo);
    ready.payermaxOutTradeNos.push(sandbox.seed.payermaxOrder().outTradeNo);
  }
  process.once("disconnect", () => {
    void sandbox.stop().then(() => process.exit(0));
  });
  process.send?.(ready);
}

if (process.argv.includes("--child") && process.send !== undefined) {
  await runChild(Number(process.argv[process.argv.indexOf("--child") + 1]));
}
