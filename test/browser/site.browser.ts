// Opens the built docs site (npm run docs) in Chromium (see chromium.ts: the registry's, or CHROMIUM_PATH) with every request that would leave
// the machine aborted and recorded, and checks what a reader sees: each page renders its operations,
// their key fields and payclients samples, logs no console error and sends nothing off the machine.
// Saves a full-page screenshot of each page to .tmp/screenshots/. Run with `npm run test:browser`.
//
// Named *.browser.ts, not *.test.ts, so that the unit project's test/**/*.test.ts does not run it.
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { landingSnippets, PROVIDERS } from "../../scripts/docs/landing-content.js";
import { type ApiInfo, readApis, redocSlug } from "../../scripts/docs/spec-model.js";
import { resolveChromium } from "./chromium.js";
import { type StaticServer, serveDirectory } from "./static-server.js";

const root = resolve(import.meta.dirname, "..", "..");
const site = join(root, "site");
const screenshots = join(root, ".tmp", "screenshots");
// As TOOLCHAIN.md: headless as root with no network, and nothing Chromium would fetch on its own.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];
// A small laptop and a common desktop width: every check below holds at both (issue 16: samples were
// clipped, with the copy button over the code, at 1400 px).
const WIDTHS = [1280, 1920] as const;

/** The fields issue 6 names; the spec-derived checks below must cover them. */
const ISSUE_KEY_FIELDS = ["merchantTradeNo", "quoteToken", "orderId", "bizOrderNo", "outTradeNo"];

/** The algorithm each provider's signing sentence must name. */
const SIGNING_ALGORITHMS: Record<string, string> = {
  GatePay: "HMAC-SHA512",
  DaxPay: "HMAC-SHA256",
  PayerMax: "RSA-SHA256",
};

const apis = readApis(root);
let browser: Browser;
let server: StaticServer;

/** A page whose requests off 127.0.0.1 are aborted and listed, and whose console errors are listed. */
interface WatchedPage {
  context: BrowserContext;
  page: Page;
  offMachine: string[];
  consoleErrors: string[];
}

function requireSite(): void {
  const missing = ["index.html", ...apis.map((api) => api.page)].filter(
    (page) => !existsSync(join(site, page)),
  );
  if (missing.length > 0) {
    throw new Error(
      `site/ lacks ${missing.join(", ")}: run \`npm run docs\` first (npm run test:browser does).`,
    );
  }
}

/** The text a reader sees in `locator`: hidden elements (a collapsed field, another sample tab) excluded. */
function visibleText(locator: Locator): Promise<string> {
  // Rendered text is the point: textContent would count hidden text as shown.
  return locator.innerText();
}

async function openWatched(url: string, width: number): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width, height: 1000 },
    serviceWorkers: "block",
  });
  const offMachine: string[] = [];
  await context.route("**/*", (route) => {
    const target = new URL(route.request().url());
    const local =
      target.protocol === "file:" || (target.protocol === "http:" && target.hostname === "127.0.0.1");
    if (local) return route.continue();
    offMachine.push(target.href);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await page.goto(url, { waitUntil: "load" });
  return { context, page, offMachine, consoleErrors };
}

/**
 * Redoc 3 renders a section only once it nears the viewport, so a plain full-page screenshot shows
 * blank placeholders. Growing the viewport to the page's height until it stops growing renders all.
 */
async function renderWholePage(page: Page): Promise<void> {
  let height = 0;
  for (let round = 0; round < 10; round += 1) {
    const next = await page.evaluate(() => document.documentElement.scrollHeight);
    if (next === height) break;
    height = next;
    await page.setViewportSize({ width: page.viewportSize()?.width ?? 1920, height });
    await page.evaluate(
      () => new Promise((resolveFrame) => requestAnimationFrame(() => setTimeout(resolveFrame, 150))),
    );
  }
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

async function screenshot(page: Page, name: string): Promise<void> {
  await renderWholePage(page);
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** What a reader must find in an operation's section but does not: fields, sample call, sample tab. */
async function missingFromOperation(page: Page, api: ApiInfo, operationIndex: number): Promise<string[]> {
  const operation = api.operations[operationIndex];
  if (operation === undefined) throw new Error(`${api.api}: no operation ${operationIndex}`);
  const section = page.locator(`[id="${redocSlug(operation.tag)}/${redocSlug(operation.operationId)}"]`);
  // The title is the section's first h2 (its accessible name also carries the anchor's label).
  const title = section.locator("h2").first();
  await title.waitFor({ timeout: 10_000 });
  const missing = (await visibleText(title)) === operation.summary ? [] : [`title "${operation.summary}"`];
  const text = await visibleText(section);
  const expected = [...operation.requestFields, "payclients", `.${operation.operationId}(`];
  missing.push(...expected.filter((needle) => !text.includes(needle)));
  // The whole sample must be readable without scrolling sideways, and the copy button must not sit
  // over any of its text.
  const sample = section.locator("pre", { hasText: 'from "payclients"' }).first();
  const overflow = await sample.evaluate((block) => block.scrollWidth - block.clientWidth);
  if (overflow > 0) missing.push(`sample width (${overflow}px wider than its panel)`);
  const covered = await sample.evaluate((block) => {
    const panel = block.closest(".panel-request-samples") ?? block.parentElement;
    const button = panel?.querySelector('[data-testid="copy-button"]');
    if (button === null || button === undefined) return "no copy button";
    const box = button.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(block);
    const hit = [...range.getClientRects()].find(
      (line) =>
        line.width > 0 &&
        line.left < box.right &&
        line.right > box.left &&
        line.top < box.bottom &&
        line.bottom > box.top,
    );
    return hit === undefined ? "" : `copy button over the sample's text at y=${Math.round(hit.top)}`;
  });
  if (covered !== "") missing.push(covered);
  return missing.map((needle) => `${operation.operationId}: ${needle}`);
}

/** Titles of the operations a reader sees on load, scrolling (Redoc renders lazily) but clicking nothing. */
async function visibleOperationTitles(page: Page, api: ApiInfo): Promise<string[]> {
  await renderWholePage(page);
  return Promise.all(
    api.operations.map(async (operation) => {
      const title = page
        .locator(`[id="${redocSlug(operation.tag)}/${redocSlug(operation.operationId)}"] h2`)
        .first();
      await title.waitFor({ state: "visible", timeout: 10_000 }).catch(() => undefined);
      return (await title.isVisible()) ? await visibleText(title) : `(not shown: ${operation.summary})`;
    }),
  );
}

beforeAll(async () => {
  requireSite();
  mkdirSync(screenshots, { recursive: true });
  const setup = await resolveChromium(join(root, ".tmp", "browser"));
  server = await serveDirectory(site);
  browser = await chromium.launch({
    executablePath: setup.executablePath,
    args: chromiumArgs,
    env: setup.env,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the docs site's content", () => {
  test("the fields issue 6 names are among those checked on the API pages", () => {
    const checked = apis.flatMap((api) => api.operations.flatMap((operation) => operation.requestFields));
    expect(ISSUE_KEY_FIELDS.filter((field) => !checked.includes(field))).toEqual([]);
  });

  test("every operation named in Chinese also carries its English name", () => {
    const chineseOnly = apis
      .flatMap((api) => api.operations.map((operation) => operation.summary))
      .filter((summary) => /[\u4e00-\u9fff]/.test(summary) && !/\([A-Z][a-z]+( [A-Za-z]+)+\)/.test(summary));
    expect(chineseOnly).toEqual([]);
    const otc = apis.find((api) => api.api === "gatepay-otc");
    expect(otc?.operations.map((operation) => operation.summary)).toEqual([
      "创建 OTC 入金订单 (Create an OTC fiat deposit order)",
      "取消 OTC 入金订单 (Cancel an OTC fiat deposit order)",
    ]);
  });
});

for (const width of WIDTHS)
  describe(`the docs site in Chromium at ${width} px, offline`, () => {
    test("the landing page lists every provider, signing rule, operation link and snippet, offline", async () => {
      const { context, page, offMachine, consoleErrors } = await openWatched(
        `${server.origin}/index.html`,
        width,
      );

      expect(await visibleText(page.locator("h1"))).toBe("payclients");
      expect(await visibleText(page.locator('pre[data-snippet="install"]'))).toBe("npm install payclients");
      for (const provider of PROVIDERS) {
        const section = page.locator(`section#${provider.name.toLowerCase()}`);
        expect(await visibleText(section.locator("h2"))).toBe(provider.name);
        expect(await visibleText(section.locator(".signing"))).toContain(SIGNING_ALGORITHMS[provider.name]);
      }
      const links = await page
        .locator("a")
        .evaluateAll((anchors) =>
          anchors.map((anchor) => `${anchor.getAttribute("href")} ${anchor.textContent}`),
        );
      const expectedLinks = apis.flatMap((api) => [
        `${api.page} ${api.title}`,
        ...api.operations.map((operation) => `${api.page}${operation.route} ${operation.summary}`),
      ]);
      expect(expectedLinks.filter((link) => !links.includes(link))).toEqual([]);
      const snippets = await page
        .locator("pre[data-snippet]")
        .evaluateAll((blocks) => blocks.map((block) => block.textContent ?? ""));
      expect(snippets).toEqual(landingSnippets().map((snippet) => snippet.code.trimEnd()));

      await screenshot(page, `index-${width}`);
      expect(offMachine).toEqual([]);
      expect(consoleErrors).toEqual([]);
      await context.close();
    });

    for (const api of apis) {
      test(`the ${api.api} page renders every operation with its key fields and payclients sample, offline`, async () => {
        const { context, page, offMachine, consoleErrors } = await openWatched(
          `${server.origin}/${api.page}`,
          width,
        );
        // Opened at its plain address, the page shows every operation without a click.
        expect(await visibleOperationTitles(page, api)).toEqual(
          api.operations.map((operation) => operation.summary),
        );
        await screenshot(page, `${api.api}-${width}.on-load`);
        // No vendor sentence that points at something this page does not have.
        expect(await page.locator("body").innerText()).not.toMatch(
          /linked OpenAPI definition|rendered from the linked/,
        );
        await page.goto(`${server.origin}/${api.page}#/`);
        expect(await visibleText(page.locator("h1").first())).toContain(api.title);

        const missing: string[] = [];
        for (const [index, operation] of api.operations.entries()) {
          // The route the landing page links to: Redoc opens the operation's tag and shows it.
          await page.goto(`${server.origin}/${api.page}${operation.route}`);
          missing.push(...(await missingFromOperation(page, api, index)));
        }
        expect(missing).toEqual([]);

        // One screenshot per tag, opened so that all of its operations are unfolded.
        for (const tag of api.tags) {
          await page.goto(`${server.origin}/${api.page}${tag.route}`);
          await page.locator(`[id="${redocSlug(tag.name)}"]`).waitFor({ timeout: 15_000 });
          await screenshot(
            page,
            `${api.tags.length === 1 ? api.api : `${api.api}.${redocSlug(tag.name)}`}-${width}`,
          );
        }
        expect(offMachine).toEqual([]);
        expect(consoleErrors).toEqual([]);
        await context.close();
      });
    }
  });
