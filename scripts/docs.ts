// npm run docs: builds site/ from the bundled specs in generated/openapi/. One self-contained Redoc
// page per API (Redoc's script inlined, so the page needs no network) and site/index.html, the
// landing page. The browser test (npm run test:browser) opens what this writes.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { renderLandingPage } from "./docs/landing.js";
import { type ApiInfo, readApis } from "./docs/spec-model.js";
import { bundledSpecPath } from "./lib/apis.js";
import { REDOCLY_BIN, REDOCLY_ENV } from "./lib/redocly.js";

const root = resolve(import.meta.dirname, "..");
const docsConfig = join(root, "scripts", "docs", "redocly.docs.yaml");

// Redoc 3 draws its "API docs by Redocly" badge from cdn.redoc.ly on every page load, with no option
// to turn it off. The badge stays (it links to redocly.com only when clicked); its image becomes an
// inline SVG so that opening the page sends no request off the machine.
const REDOCLY_BADGE_URLS = [
  "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
  "https://cdn.redoc.ly/redoc/logo-mini.svg",
];
const REDOCLY_BADGE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="16" viewBox="0 0 56 16">' +
  '<text x="0" y="12" font-family="sans-serif" font-size="12" font-weight="600" fill="#1f2328">Redocly</text></svg>';

/** Points Redoc's badge image at an inline SVG; returns the page unchanged when Redoc has no badge. */
function inlineRedoclyBadge(html: string): string {
  const dataUri = `data:image/svg+xml,${encodeURIComponent(REDOCLY_BADGE_SVG)}`;
  return REDOCLY_BADGE_URLS.reduce((page, url) => page.replaceAll(url, dataUri), html);
}

/**
 * Two fixes Redoc 3 has no option for, added to each API page's <head>:
 * - The page opened at its plain address shows each tag folded ("+ Show"), so a reader sees no
 *   operation until clicking. Redoc opens a tag when the address names it (`#/<tag>`), so a page
 *   opened without a route is given its first tag's route before Redoc starts (every API here has
 *   one tag; the others stay one click away in the sidebar).
 * - The sample panel is a fixed-width column: at 1280-1400 px a payclients sample's long lines were
 *   cut off under a scroll bar, and the copy button sat over the first line. Samples wrap instead
 *   (keeping every character visible), with room on the right for the button.
 */
function pageAdditions(firstTagRoute: string | undefined): string {
  const style =
    "<style>" +
    '[data-testid="right-panel"] pre[data-testid="source-code"]{white-space:pre-wrap;overflow-wrap:anywhere;padding-right:44px}' +
    "</style>";
  if (firstTagRoute === undefined) return style;
  const script =
    "<script>" +
    `if(location.hash===""||location.hash==="#")history.replaceState(null,"",location.pathname+location.search+${JSON.stringify(firstTagRoute)});` +
    "</script>";
  return style + script;
}

/** Inserts `additions` at the start of the page's <head>, before Redoc's own script runs. */
function addToHead(html: string, additions: string): string {
  const head = /<head[^>]*>/i.exec(html);
  if (head === null) throw new Error("Redoc page has no <head>: cannot add the docs fixes");
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}${additions}${html.slice(at)}`;
}

/** Runs one Redocly command with telemetry off; its output (and Node 20 banner) is shown only on failure. */
function runRedocly(args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(REDOCLY_BIN, args, {
      cwd: root,
      env: { ...process.env, ...REDOCLY_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) return resolvePromise();
      process.stderr.write(output);
      reject(new Error(`redocly ${args.slice(0, 2).join(" ")} failed (exit ${code}): see its report above`));
    });
  });
}

/** Builds site/<api>.html with Redoc's bundle inlined. */
async function buildApiPage(api: ApiInfo, site: string): Promise<void> {
  const output = join(site, api.page);
  await runRedocly([
    "build-docs",
    bundledSpecPath(api.api),
    "--config",
    relative(root, docsConfig),
    "--inlineBundle",
    "--title",
    `${api.title} · payclients`,
    "--output",
    relative(root, output),
  ]);
  const page = inlineRedoclyBadge(readFileSync(output, "utf8"));
  writeFileSync(output, addToHead(page, pageAdditions(api.tags[0]?.route)));
}

/** Writes the whole site into `site` (emptied first) and returns the files written, relative to it. */
async function buildSite(site: string): Promise<string[]> {
  const apis = readApis(root);
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  await Promise.all(apis.map((api) => buildApiPage(api, site)));
  writeFileSync(join(site, "index.html"), renderLandingPage(apis));
  return ["index.html", ...apis.map((api) => api.page)];
}

const site = join(root, "site");
const pages = await buildSite(site);
console.log(`docs: wrote ${pages.length} pages to ${relative(root, site)}/: ${pages.join(", ")}`);
