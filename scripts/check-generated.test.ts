import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

/** Runs check:generated in `dir` and returns its exit status and output. */
function checkGenerated(dir: string) {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(dir, "scripts", "check-generated.ts")], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off" },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("check:generated", () => {
  let copy = "";
  beforeAll(() => {
    // A copy of what generation reads and writes, so the test can break a spec without touching the repo.
    copy = mkdtempSync(join(tmpdir(), "payclients-check-generated-"));
    for (const entry of ["specs", "scripts", "generated", "redocly.yaml", "package.json"]) {
      cpSync(join(root, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
  });
  afterAll(() => {
    rmSync(copy, { recursive: true, force: true });
  });

  it("passes when generated/ is what the specs produce", () => {
    const { status, output } = checkGenerated(copy);
    expect(status).toBe(0);
    expect(output).toContain("check:generated: 16 generated files match the specs.");
  });

  it("fails, naming the stale files, when a spec field changed without regenerating", () => {
    const spec = join(copy, "specs", "daxpay", "unipay-cancel.yaml");
    const text = readFileSync(spec, "utf8");
    writeFileSync(spec, text.replace("          maxLength: 100\n", "          maxLength: 101\n"));
    const { status, output } = checkGenerated(copy);
    writeFileSync(spec, text);
    expect(status).toBe(1);
    expect(output).toContain("stale:   generated/daxpay.validators.ts");
    expect(output).toContain("stale:   generated/openapi/daxpay.json");
    expect(output).toContain("Run `npm run generate` and commit specs/ and generated/ together.");
  });

  it("fails when someone edited a generated file by hand", () => {
    const file = join(copy, "generated", "payermax.ts");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, `${text}// hand edit\n`);
    const { status, output } = checkGenerated(copy);
    writeFileSync(file, text);
    expect(status).toBe(1);
    expect(output).toContain("stale:   generated/payermax.ts");
  });
}, 120_000);
