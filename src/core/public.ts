// The core names every entry point exports: the error family and the types shared by all clients.
// Each provider entry (src/<provider>/index.ts) re-exports this, so an app importing one provider
// gets the errors without loading the others.

export {
  ClockSkewError,
  NetworkError,
  PayClientError,
  type PayClientErrorJSON,
  type PayClientErrorType,
  type Provider,
  ProviderRejectedError,
  ProviderUnavailableError,
  SignatureError,
  type SignatureFailureReason,
  TimeoutError,
  UnexpectedResponseError,
  type UnexpectedResponseReason,
  ValidationError,
} from "./errors.js";
export type { RequestEvent, ResponseEvent } from "./hooks.js";
export type { NotificationCheckOptions, NotificationHeaders } from "./notification.js";
export type { CommonClientOptions } from "./options.js";
export { createMemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from "./replay.js";
