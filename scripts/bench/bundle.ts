// bundle: what one provider's client adds to an app. esbuild bundles a tiny app that imports one
// provider's entry (`payclients/gatepay` → src/gatepay/index.ts), minified and tree-shaken for Node as
// ESM, and the same app written against openapi-fetch alone; we compare minified and gzipped bytes.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type Plugin } from "esbuild";
import { round } from "./lib/stats.js";

const root = resolve(import.meta.dirname, "..", "..");

/** The target of issue 9: one provider's app at most twice openapi-fetch alone. */
export const BUNDLE_TARGET_RATIO = 2;

export interface BundleRow {
  readonly app: string;
  readonly status: "ok" | "pending";
  readonly minifiedBytes?: number;
  readonly gzipBytes?: number;
  /** gzipped bytes / openapi-fetch alone gzipped. */
  readonly gzipRatio?: number;
  /** minified bytes / openapi-fetch alone minified. */
  readonly minifiedRatio?: number;
  /** The five inputs that contribute most bytes to the minified output. */
  readonly largestInputs?: Array<{ readonly path: string; readonly bytes: number }>;
  readonly reason?: string;
}

export interface BundleSection {
  readonly method: string;
  readonly targetRatio: number;
  readonly baseline: { readonly minifiedBytes: number; readonly gzipBytes: number };
  readonly rows: BundleRow[];
}

interface App {
  readonly name: string;
  readonly entry?: string;
  readonly source: string;
}

// Each app makes one real call with its inputs from outside, so nothing it uses can be shaken out.
const APPS: readonly App[] = [
  {
    name: "payclients/gatepay",
    entry: "src/gatepay/index.ts",
    source: `import { createGatePayClient } from "payclients/gatepay";
const client = createGatePayClient({ clientId: process.env.GATEPAY_CLIENT_ID, secret: process.env.GATEPAY_SECRET });
console.log(await client.closeOrder({ merchantTradeNo: process.argv[2] }));`,
  },
  {
    name: "payclients/daxpay",
    entry: "src/daxpay/index.ts",
    source: `import { createDaxPayClient } from "payclients/daxpay";
const client = createDaxPayClient({ baseUrl: process.env.DAXPAY_URL, secret: process.env.DAXPAY_SECRET });
console.log(await client.cancel({ orderNo: process.argv[2] }));`,
  },
  {
    name: "payclients/payermax",
    entry: "src/payermax/index.ts",
    source: `import { createPayerMaxClient } from "payclients/payermax";
const client = createPayerMaxClient({
  appId: process.env.PAYERMAX_APP_ID,
  merchantNo: process.env.PAYERMAX_MERCHANT_NO,
  privateKey: process.env.PAYERMAX_PRIVATE_KEY,
  platformPublicKey: process.env.PAYERMAX_PUBLIC_KEY,
});
console.log(await client.cancel({ requestId: process.argv[2], outTradeNo: process.argv[3] }));`,
  },
];

const BASELINE: App = {
  name: "openapi-fetch alone",
  source: `import createClient from "openapi-fetch";
const client = createClient({ baseUrl: "https://openplatform.gateapi.io" });
console.log(await client.POST("/v1/pay/order/close", { body: { merchantTradeNo: process.argv[2] } }));`,
};

/** Resolves `payclients/<provider>` to the provider's source entry, as the package's exports will. */
const payclientsPlugin: Plugin = {
  name: "payclients",
  setup(builder) {
    builder.onResolve({ filter: /^payclients(\/|$)/ }, (args) => {
      const sub = args.path === "payclients" ? "" : args.path.slice("payclients/".length);
      return { path: join(root, "src", sub, "index.ts") };
    });
  },
};

function largestInputs(metafile: Metafile): Array<{ path: string; bytes: number }> {
  const output = Object.values(metafile.outputs)[0];
  if (output === undefined) return [];
  return Object.entries(output.inputs)
    .map(([path, info]) => ({ path: path.replace(/^.*node_modules\//, ""), bytes: info.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
}

async function bundleApp(app: App): Promise<{ minified: number; gzip: number; metafile: Metafile }> {
  const result = await build({
    stdin: { contents: app.source, resolveDir: root, loader: "js", sourcefile: "app.js" },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent",
    outfile: "app.js",
    plugins: [payclientsPlugin],
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error(`${app.name}: esbuild produced no output`);
  return {
    minified: file.contents.byteLength,
    gzip: gzipSync(file.contents, { level: 9 }).byteLength,
    metafile: result.metafile,
  };
}

export async function benchBundle(log: (line: string) => void): Promise<BundleSection> {
  const baseline = await bundleApp(BASELINE);
  log(`bundle: openapi-fetch alone: ${baseline.minified} B minified, ${baseline.gzip} B gzipped`);
  const rows: BundleRow[] = [
    {
      app: BASELINE.name,
      status: "ok",
      minifiedBytes: baseline.minified,
      gzipBytes: baseline.gzip,
      gzipRatio: 1,
      minifiedRatio: 1,
    },
  ];
  for (const app of APPS) {
    if (app.entry !== undefined && !existsSync(join(root, app.entry))) {
      rows.push({ app: app.name, status: "pending", reason: `${app.entry} does not exist yet` });
      log(`bundle: ${app.name}: pending (${app.entry} does not exist yet)`);
      continue;
    }
    const bundled = await bundleApp(app);
    const row: BundleRow = {
      app: app.name,
      status: "ok",
      minifiedBytes: bundled.minified,
      gzipBytes: bundled.gzip,
      gzipRatio: round(bundled.gzip / baseline.gzip, 2),
      minifiedRatio: round(bundled.minified / baseline.minified, 2),
      largestInputs: largestInputs(bundled.metafile),
    };
    log(`bundle: ${app.name}: ${bundled.minified} B minified, ${bundled.gzip} B gzipped (${row.gzipRatio}x)`);
    rows.push(row);
  }
  return {
    method:
      "esbuild: bundle, minify, tree-shaking, platform node, format esm, target node20; a tiny app making one " +
      "call per provider; gzip level 9; ratios against the same app written with openapi-fetch alone",
    targetRatio: BUNDLE_TARGET_RATIO,
    baseline: { minifiedBytes: baseline.minified, gzipBytes: baseline.gzip },
    rows,
  };
}
