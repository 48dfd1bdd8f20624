// The `payclients/sandbox` entry point: a local GatePay, DaxPay and PayerMax for tests and demos.
// startSandbox and the types of its options, results and records, plus the shared error family that
// every entry point exports (a test that catches a client's error needs no second import).

export * from "../core/public.js";

export type { SandboxSeeder } from "./admin.js";
export type {
  SandboxCredentials,
  SandboxCredentialsInput,
  SandboxDaxPayCredentials,
  SandboxGatePayCredentials,
  SandboxPayerMaxBase64Keys,
  SandboxPayerMaxCredentials,
} from "./credentials.js";
export { SandboxInputError } from "./input.js";
export type {
  SandboxDeliveryAttempt,
  SandboxNotificationOptions,
  SandboxNotificationRecord,
} from "./notify.js";
export { type Sandbox, type SandboxOptions, startSandbox } from "./server.js";
export type {
  DaxPayChannel,
  DaxPayOrderRecord,
  DaxPayOrderSeed,
  DaxPayOrderStatus,
  GatePayPrepayOrderRecord,
  GatePayPrepayOrderSeed,
  GatePayPrepayStatus,
  GatePayRechargeRecord,
  GatePayRechargeSeed,
  GatePayRechargeStatus,
  PayerMaxCancelRecord,
  PayerMaxOrderRecord,
  PayerMaxOrderSeed,
  PayerMaxOrderStatus,
  QuoteInput,
  SandboxOrderKind,
  SandboxOrderRecord,
  SandboxOrderRecordOf,
  SandboxOrderStatus,
  SandboxQuote,
  SandboxStateChange,
} from "./state.js";
