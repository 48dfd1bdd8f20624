// The provider-example fixtures are evidence: each must say where it comes from, quote its source
// exactly when that source is in the repository, and verify when it is signed.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyDaxPaySignature } from "../src/daxpay/sign.js";

const ROOT = "test/fixtures/provider-examples";
const PROVIDERS = ["gatepay", "daxpay", "payermax"] as const;
const KINDS = ["request", "response", "sdk-request", "server-answer", "request-header"];
const FIELDS = [
  "source",
  "provider",
  "operation",
  "kind",
  "httpStatus",
  "bodyFormat",
  "body",
  "signedWith",
  "expected",
];
const REPO_PAGE = /specs\/[a-z-]+\/source\/[0-9]{3}_[0-9a-f]{16}\.txt/g;
const SOURCE_FORMS = [
  /specs\/[a-z-]+\/source\/[0-9]{3}_[0-9a-f]{16}\.txt/,
  /https:\/\/[a-z.]+\.(com|cn)\//,
  /^[A-Za-z0-9-]+\/[A-Za-z0-9.-]+@[0-9A-Za-z.]+:[^ ]+\.(java|go|php)/,
];

interface Fixture {
  readonly source: string;
  readonly provider: string;
  readonly operation: string;
  readonly kind: string;
  readonly httpStatus?: number;
  readonly bodyFormat?: "yaml";
  readonly body: string;
  readonly signedWith?: { readonly secret: string; readonly signType: "HMAC_SHA256" | "MD5" };
  readonly expected: Record<string, unknown>;
}

const files = PROVIDERS.flatMap((provider) =>
  readdirSync(join(ROOT, provider))
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ provider, name, path: join(ROOT, provider, name) })),
);
const fixtures = files.map((file) => ({
  ...file,
  fixture: JSON.parse(readFileSync(file.path, "utf8")) as Fixture,
}));

describe("provider-example fixtures", () => {
  it("has examples for every provider", () => {
    expect(PROVIDERS.map((provider) => fixtures.filter((f) => f.provider === provider).length)).toEqual([
      12, 14, 7,
    ]);
  });

  it.each(fixtures.map((f) => [`${f.provider}/${f.name}`, f] as const))(
    "%s is well-formed: known fields, a kind, an operation, a string body and an expectation",
    (_name, { provider, fixture }) => {
      expect(Object.keys(fixture).filter((key) => !FIELDS.includes(key))).toEqual([]);
      expect(fixture.provider).toBe(provider);
      expect(KINDS).toContain(fixture.kind);
      expect(fixture.operation).toMatch(/^[a-z][A-Za-z]+$/);
      expect(typeof fixture.body).toBe("string");
      expect(fixture.body.length).toBeGreaterThan(0);
      expect(Object.keys(fixture.expected).length).toBeGreaterThan(0);
      if (fixture.httpStatus !== undefined) expect([200, 400, 500]).toContain(fixture.httpStatus);
      if (fixture.bodyFormat !== undefined) expect(fixture.bodyFormat).toBe("yaml");
    },
  );

  it.each(fixtures.map((f) => [`${f.provider}/${f.name}`, f] as const))(
    "%s names a source inside the repository, a vendor page or a repository file at a commit or tag",
    (_name, { fixture }) => {
      expect(SOURCE_FORMS.some((form) => form.test(fixture.source))).toBe(true);
      expect(fixture.source).not.toMatch(/shared\/|PROVIDERS\.md|DESIGN\.md|STYLE\.md|\.\.\//);
      for (const page of fixture.source.match(REPO_PAGE) ?? []) {
        expect(existsSync(page), page).toBe(true);
      }
    },
  );

  it.each(
    fixtures
      .filter(
        (f) =>
          (f.fixture.kind === "request" ||
            f.fixture.kind === "response" ||
            f.fixture.kind === "request-header") &&
          f.fixture.source.startsWith("specs/"),
      )
      .map((f) => [`${f.provider}/${f.name}`, f] as const),
  )("%s quotes its page verbatim", (_name, { fixture }) => {
    const page = readFileSync((fixture.source.match(REPO_PAGE) ?? [""])[0], "utf8");
    // A page that prints the body as a JSON string literal holds it escaped.
    expect(page.includes(fixture.body) || page.includes(JSON.stringify(fixture.body))).toBe(true);
  });

  it.each(
    fixtures
      .filter((f) => f.fixture.bodyFormat === undefined && f.fixture.expected.valid !== false)
      .filter((f) => f.fixture.kind !== "request-header")
      .map((f) => [`${f.provider}/${f.name}`, f] as const),
  )("%s is JSON", (_name, { fixture }) => {
    expect(() => JSON.parse(fixture.body)).not.toThrow();
  });

  it("keeps the published PayerMax request as the page prints it, trailing comma and all", () => {
    const page = fixtures.find((f) => f.name === "cancel-request-page.json" && f.provider === "payermax");
    expect(() => JSON.parse(page?.fixture.body ?? "")).toThrow(SyntaxError);
  });

  it.each(
    fixtures
      .filter((f) => f.fixture.signedWith !== undefined)
      .map((f) => [`${f.provider}/${f.name}`, f] as const),
  )("%s verifies with the secret it names", (_name, { fixture }) => {
    const { secret, signType } = fixture.signedWith ?? { secret: "", signType: "HMAC_SHA256" };
    const parsed = JSON.parse(fixture.body);
    const signed = fixture.kind === "request" ? parsed : parsed.data;
    expect(verifyDaxPaySignature(signed, secret, signType)).toBe(true);
    expect(verifyDaxPaySignature(signed, `${secret}x`, signType)).toBe(false);
  });
});
