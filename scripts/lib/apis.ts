/** The APIs payclients generates from; the names match the `apis` keys in redocly.yaml. */
export const API_NAMES = ["gatepay-otc", "gatepay-payments", "daxpay", "payermax"] as const;

/** One of the APIs in redocly.yaml. */
export type ApiName = (typeof API_NAMES)[number];

/** Where the bundled (overlay-applied, lint-clean) spec of an API is written, relative to the repo root. */
export function bundledSpecPath(api: ApiName): string {
  return `generated/openapi/${api}.json`;
}
