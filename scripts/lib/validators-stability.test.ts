// Reviewable diffs: a one-field change to a spec changes a few lines of the generated validators and no
// name (exports, compiled functions and schema constants keep theirs), so generated/ reviews like the spec.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateValidators } from "./validators.js";

const bundled = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../generated/openapi/gatepay-otc.json"), "utf8"),
);

/** Lines only in `after` plus lines only in `before` (a line-set diff; the modules have no repeated lines that matter). */
function changedLines(before: string, after: string): number {
  const old = before.split("\n");
  const now = after.split("\n");
  return now.filter((line) => !old.includes(line)).length + old.filter((line) => !now.includes(line)).length;
}

function names(code: string): string[] {
  return [...code.matchAll(/^(?:export const|const|function) (validate\w+|schema\d+)\b/gm)].map(
    (match) => match[1] ?? "",
  );
}

describe("generated validators under a one-field change", () => {
  const before = generateValidators(structuredClone(bundled));

  it("name each export, compiled function and schema constant (the names compared below)", () => {
    expect(names(before)).toEqual(
      expect.arrayContaining(["validateCreateRechargeRequest", "validateCancelRechargeResponse200"]),
    );
  });

  it("keep every name when a required request field is added, and change under 20 lines", () => {
    const changed = structuredClone(bundled);
    changed.components.schemas.OtcRechargeRequest.properties.channel = { type: "string" };
    changed.components.schemas.OtcRechargeRequest.required.push("channel");
    const after = generateValidators(changed);
    expect(names(after)).toEqual(names(before));
    expect(changedLines(before, after)).toBeLessThan(20);
  });

  it("keep every name when an optional response field is added, and change under 20 lines", () => {
    const changed = structuredClone(bundled);
    changed.components.schemas.OtcRechargeResponse.properties.data.properties.expireTime = { type: "string" };
    const after = generateValidators(changed);
    expect(names(after)).toEqual(names(before));
    expect(changedLines(before, after)).toBeLessThan(20);
  });
});
