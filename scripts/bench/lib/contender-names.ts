// The names of the peers section's contenders (built in ./contenders.ts), apart from their code so the
// renderer and the tests can name them without loading every HTTP library.

/** In table order: the limit first, then the baselines, the peers, and payclients last. */
export const CONTENDER_NAMES = [
  "limit",
  "fetch",
  "got",
  "axios",
  "ky",
  "openapi-fetch",
  "payclients",
] as const;
export type ContenderName = (typeof CONTENDER_NAMES)[number];

/** The libraries a user would pick instead of payclients: the targets compare payclients with these. */
export const PEER_NAMES: readonly ContenderName[] = ["got", "axios", "ky", "openapi-fetch"];
