// The browser set-up's choices and messages, without launching anything (the browser project launches).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveChromium } from "./chromium.js";

const saved = process.env.CHROMIUM_PATH;
const folders: string[] = [];
function workFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "payclients-chromium-test-"));
  folders.push(folder);
  return folder;
}

afterEach(() => {
  if (saved === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe("resolveChromium", () => {
  it("names the CHROMIUM_PATH that does not exist, and the way back to the packaged Chromium", async () => {
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    await expect(resolveChromium(workFolder())).rejects.toThrow(
      "CHROMIUM_PATH is /nonexistent/chromium, which does not exist. Unset it to use the Chromium from the npm " +
        "package @sparticuz/chromium, or point it at an installed Chromium (e.g. /usr/bin/chromium).",
    );
  });

  it("uses CHROMIUM_PATH when it exists, with a fontconfig file naming the CJK font package's folders", async () => {
    process.env.CHROMIUM_PATH = process.execPath; // any existing file: nothing is launched here
    const folder = workFolder();
    const setup = await resolveChromium(folder);
    expect(setup.executablePath).toBe(process.execPath);
    expect(setup.source).toBe(`CHROMIUM_PATH (${process.execPath})`);
    expect(setup.env.FONTCONFIG_FILE).toBe(join(folder, "fonts.conf"));
    const dirs = [...readFileSync(join(folder, "fonts.conf"), "utf8").matchAll(/<dir>(.*)<\/dir>/g)].map(
      (match) => match[1],
    );
    expect(dirs).toEqual([
      expect.stringMatching(/node_modules\/@expo-google-fonts\/noto-sans-sc\/400Regular$/),
      expect.stringMatching(/node_modules\/@expo-google-fonts\/noto-sans-sc\/700Bold$/),
    ]);
  });
});
