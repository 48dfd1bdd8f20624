import { join } from "node:path";

/** The Redocly CLI installed in the repo's node_modules. */
export const REDOCLY_BIN = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "redocly");

/** Environment additions for every Redocly run: no telemetry, no update notice. */
export const REDOCLY_ENV: Readonly<Record<string, string>> = {
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
};
