// Renders site/index.html: plain HTML and inline CSS, no script and no external request, so the
// page works from a file:// URL and offline like the Redoc pages it links to.
import { ERRORS, INSTALL, PROVIDERS, type ProviderGuide, type Snippet } from "./landing-content.js";
import type { ApiInfo } from "./spec-model.js";

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function codeBlock(snippet: Snippet): string {
  const code = escapeHtml(snippet.code.trimEnd());
  return `<pre data-snippet="${snippet.id}"><code class="language-${snippet.lang}">${code}</code></pre>`;
}

/** The variable name the snippets use for a provider's client, e.g. "gatepay". */
function clientName(provider: ProviderGuide): string {
  return provider.name.toLowerCase();
}

function operationsTable(provider: ProviderGuide, api: ApiInfo): string {
  const rows = api.operations.map((operation) => {
    const href = escapeHtml(`${api.page}${operation.route}`);
    return [
      "<tr>",
      `<td><a href="${href}">${escapeHtml(operation.summary)}</a></td>`,
      `<td><code>${operation.method.toUpperCase()} ${escapeHtml(operation.path)}</code></td>`,
      `<td><code>${clientName(provider)}.${escapeHtml(operation.operationId)}(…)</code></td>`,
      "</tr>",
    ].join("");
  });
  return [
    `<h3><a href="${api.page}">${escapeHtml(api.title)}</a> <span class="version">${escapeHtml(api.version)}</span></h3>`,
    '<table><thead><tr><th scope="col">Operation</th><th scope="col">HTTP</th><th scope="col">payclients</th></tr></thead>',
    `<tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

function providerSection(provider: ProviderGuide, apis: ApiInfo[]): string {
  const tables = provider.apis.map((name) => {
    const api = apis.find((candidate) => candidate.api === name);
    if (api === undefined)
      throw new Error(`landing page: ${provider.name} lists API ${name}, which was not built`);
    return operationsTable(provider, api);
  });
  return [
    `<section class="provider" id="${clientName(provider)}">`,
    `<h2>${provider.name}</h2>`,
    `<p class="signing"><strong>Signing.</strong> ${provider.signing}</p>`,
    ...tables,
    `<h3>Call it</h3>`,
    `<p><code>${provider.factory}</code> reads its credentials from wherever you keep them; here, the environment.</p>`,
    codeBlock(provider.usage),
    "</section>",
  ].join("\n");
}

const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0b57d0; --code: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 2.5rem; padding-bottom: 1rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 2.2rem; margin: 0 0 .25rem; }
h2 { font-size: 1.5rem; margin: 2.5rem 0 .5rem; padding-top: .5rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; }
.version { color: var(--muted); font-weight: normal; font-size: .9rem; }
.signing { background: #f0f6ff; border-left: 4px solid var(--accent); padding: .6rem .9rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88rem; }
p code, td code, li code { background: var(--code); padding: .1rem .3rem; border-radius: 4px; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .9rem 1rem; overflow-x: auto; line-height: 1.45; }
footer { color: var(--muted); font-size: .9rem; margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid var(--line); }
`;

/** The landing page for the built APIs; throws when an API belongs to no provider on the page. */
export function renderLandingPage(apis: ApiInfo[]): string {
  const covered = new Set(PROVIDERS.flatMap((provider) => provider.apis));
  const orphan = apis.find((api) => !covered.has(api.api));
  if (orphan !== undefined) {
    throw new Error(
      `landing page: API ${orphan.api} belongs to no provider in scripts/docs/landing-content.ts`,
    );
  }
  const nav = apis.map((api) => `<li><a href="${api.page}">${escapeHtml(api.title)}</a></li>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>payclients — API reference</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>payclients</h1>
<p>Typed, signed TypeScript clients for the GatePay, DaxPay and PayerMax order APIs. Each call is
signed as the provider verifies it and ends in typed data or a typed <code>PayClientError</code>.</p>
<nav aria-label="API reference"><ul>${nav}</ul></nav>
</header>
<main>
<section id="install">
<h2>Install</h2>
${codeBlock(INSTALL)}
<p>Until payclients is published on the npm registry, install the tarball that <code>npm pack</code> writes in a
checkout (<code>npm install ./payclients-0.1.0.tgz</code>); the README says how.</p>
<p>ES modules, and <code>require()</code> works too (Node.js 20.19 or later). Every client and <code>PayClientError</code> is exported from the package root.</p>
</section>
${PROVIDERS.map((provider) => providerSection(provider, apis)).join("\n")}
<section id="errors">
<h2>Errors</h2>
<p>Awaiting a call returns the provider's data, already checked against the spec; anything else is thrown as a
<code>PayClientError</code> subclass whose <code>type</code>, <code>provider</code> and <code>operation</code>
say what failed and where.</p>
${codeBlock(ERRORS)}
</section>
</main>
<footer>Built by <code>npm run docs</code> from the bundled specs in <code>generated/openapi/</code>; every
operation's reference page carries a payclients sample that <code>npm run check:samples</code> type-checks.</footer>
</body>
</html>
`;
}
