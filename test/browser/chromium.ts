// The browser the docs test drives and the font it renders Chinese with, both from registry packages so
// that `npm ci && npm test` needs no apt-get: @sparticuz/chromium ships a headless Chromium inside its
// tarball (unpacked on first use into a folder per package version under the work folder, nothing
// downloaded), and
// @expo-google-fonts/noto-sans-sc ships Noto Sans SC as TTF files. A fontconfig file written under
// .tmp/ points Chromium at that package's folders, so no system font is needed either.
// CHROMIUM_PATH overrides the browser (e.g. Debian's /usr/bin/chromium).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The package that ships the CJK font; its weights live in folders such as 400Regular/. */
export const CJK_FONT_PACKAGE = "@expo-google-fonts/noto-sans-sc";
/** The weights the docs pages use (body text and headings). */
const CJK_FONT_FILES = ["400Regular/NotoSansSC_400Regular.ttf", "700Bold/NotoSansSC_700Bold.ttf"];

/** What the docs browser test launches: the executable and the environment Chromium needs. */
export interface ChromiumSetup {
  readonly executablePath: string;
  /** The variables to launch Chromium with (FONTCONFIG_FILE added to this process's environment). */
  readonly env: Record<string, string>;
  /** Where the executable came from, for messages. */
  readonly source: string;
}

/** The installed folder of a package (found the way Node would, without needing it to export package.json). */
function packageFolder(name: string): string {
  const found = (require.resolve.paths(name) ?? [])
    .map((modules) => join(modules, name))
    .find((folder) => existsSync(join(folder, "package.json")));
  if (found === undefined) {
    throw new Error(
      `The npm package ${name} is not installed (node_modules/${name} is missing): run \`npm ci\`.`,
    );
  }
  return found;
}

/**
 * Unpacks @sparticuz/chromium's browser into `<workFolder>/chromium-<version>/` once and returns its
 * path. The package unpacks into os.tmpdir() and reuses any `chromium` it finds there, whatever its
 * version, so TMPDIR points at a folder of our own while it runs: no other checkout's or version's
 * browser is picked up, and a run cut short mid-unpack (no `.complete` marker) is unpacked again.
 */
async function unpackChromium(workFolder: string): Promise<string> {
  const folder = packageFolder("@sparticuz/chromium");
  const { version } = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { version: string };
  const target = join(workFolder, `chromium-${version}`);
  const marker = join(target, ".complete");
  if (!existsSync(marker)) rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const { default: packaged } = await import("@sparticuz/chromium");
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = target;
  try {
    const executable = await packaged.executablePath();
    if (!executable.startsWith(target)) {
      throw new Error(`@sparticuz/chromium unpacked to ${executable}, not into ${target}`);
    }
    writeFileSync(marker, `${version}\n`);
    return executable;
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** Writes a fontconfig file naming the CJK font package's folders; throws naming a missing font file. */
function writeFontConfig(folder: string, chromiumFonts: string | undefined): string {
  const fontRoot = packageFolder(CJK_FONT_PACKAGE);
  const missing = CJK_FONT_FILES.filter((file) => !existsSync(join(fontRoot, file)));
  if (missing.length > 0) {
    throw new Error(
      `The CJK font package ${CJK_FONT_PACKAGE} lacks ${missing.join(", ")} under ${fontRoot}: ` +
        "run `npm ci` (the GatePay OTC and DaxPay pages would render their Chinese text as empty boxes).",
    );
  }
  mkdirSync(folder, { recursive: true });
  const dirs = [...new Set(CJK_FONT_FILES.map((file) => dirname(join(fontRoot, file))))];
  if (chromiumFonts !== undefined) dirs.push(chromiumFonts);
  const file = join(folder, "fonts.conf");
  const xmlText = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
  writeFileSync(
    file,
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      "<fontconfig>",
      ...dirs.map((dir) => `  <dir>${xmlText(dir)}</dir>`),
      `  <cachedir>${xmlText(join(folder, "cache"))}</cachedir>`,
      "</fontconfig>",
      "",
    ].join("\n"),
  );
  return file;
}

/**
 * Resolves the Chromium to launch and the font set-up. `workFolder` receives fonts.conf and its cache.
 * Throws naming exactly what is missing: the CHROMIUM_PATH file, or the npm package to install.
 */
export async function resolveChromium(workFolder: string): Promise<ChromiumSetup> {
  const override = process.env.CHROMIUM_PATH;
  let executablePath: string;
  let source: string;
  let chromiumFonts: string | undefined;
  if (override !== undefined && override !== "") {
    if (!existsSync(override)) {
      throw new Error(
        `CHROMIUM_PATH is ${override}, which does not exist. Unset it to use the Chromium from the npm ` +
          "package @sparticuz/chromium, or point it at an installed Chromium (e.g. /usr/bin/chromium).",
      );
    }
    executablePath = override;
    source = `CHROMIUM_PATH (${override})`;
  } else {
    executablePath = await unpackChromium(workFolder);
    source = `@sparticuz/chromium (${executablePath})`;
    // The package unpacks its Latin fonts beside the executable; keep them for Latin text.
    const fonts = join(dirname(executablePath), "fonts");
    chromiumFonts = existsSync(fonts) ? fonts : undefined;
  }
  const fontConfig = writeFontConfig(workFolder, chromiumFonts);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  env.FONTCONFIG_FILE = fontConfig;
  return { executablePath, env, source };
}
