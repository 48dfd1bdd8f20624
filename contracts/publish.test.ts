// contracts:publish: what it asks for when the broker is not configured, and what Pact's CLI sends to
// a broker (a local stand-in that records the publish request) when it is.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type GitFacts, pactBrokerBin, planPublish } from "./publish.js";

const CLEAN_GIT: GitFacts = {
  commit: "0123456789abcdef0123456789abcdef01234567",
  branch: "main",
  pactsStatus: "",
};
const PACTS = ["contracts/pacts/payclients-daxpay.json"];
const BROKER = { PACT_BROKER_BASE_URL: "https://example.pactflow.io", PACT_BROKER_TOKEN: "t" };

describe("planPublish", () => {
  it("publishes contracts/pacts with the commit as the consumer version and the branch", () => {
    expect(planPublish(BROKER, CLEAN_GIT, PACTS)).toEqual({
      ok: true,
      args: ["publish", "contracts/pacts", "--consumer-app-version", CLEAN_GIT.commit, "--branch", "main"],
    });
  });

  it("accepts basic auth instead of a token, and a CI branch variable on a detached HEAD", () => {
    const env = {
      PACT_BROKER_BASE_URL: "https://broker.example",
      PACT_BROKER_USERNAME: "u",
      PACT_BROKER_PASSWORD: "p",
      GITHUB_HEAD_REF: "feature/x",
    };
    const plan = planPublish(env, { ...CLEAN_GIT, branch: undefined }, PACTS);
    expect(plan.ok && plan.args.slice(-2)).toEqual(["--branch", "feature/x"]);
  });

  it("names everything that is missing", () => {
    const plan = planPublish({}, { commit: undefined, branch: undefined, pactsStatus: " M x" }, []);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problems.join("\n")).toMatchInlineSnapshot(`
      "PACT_BROKER_BASE_URL is not set: the broker's URL, e.g. https://<your-team>.pactflow.io
      no credentials: set PACT_BROKER_TOKEN (an API token), or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD
      no git commit: publish from a git checkout (the commit is the consumer version)
      no git branch (detached HEAD?): set PACT_BROKER_BRANCH to the branch being built
      contracts/pacts/ has uncommitted changes: commit them first, so the published version is the commit that holds them
      contracts/pacts/ holds no pact files: run \`npm run test:contracts\` first"
    `);
  });

  it("says when basic auth is half configured", () => {
    const plan = planPublish(
      { PACT_BROKER_BASE_URL: "https://b", PACT_BROKER_USERNAME: "u" },
      CLEAN_GIT,
      PACTS,
    );
    expect(!plan.ok && plan.problems).toEqual([
      "PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD must both be set for basic auth (or set PACT_BROKER_TOKEN)",
    ]);
  });
});

describe("npm run contracts:publish", () => {
  it("without a broker configured, explains what is missing and exits non-zero", () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("PACT_BROKER_")),
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", "contracts/publish.ts"], {
      cwd: join(import.meta.dirname, ".."),
      encoding: "utf8",
      env,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("contracts:publish: cannot publish the pacts yet:");
    expect(run.stderr).toContain("PACT_BROKER_BASE_URL is not set");
    expect(run.stderr).toContain("no credentials: set PACT_BROKER_TOKEN");
  });
});

describe("pact-broker publish (Pact's CLI) with the planned arguments", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it("sends each pact with the commit as the version, the branch and the token", async () => {
    const requests: { method: string; url: string; authorization: string | undefined; body: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => {
        requests.push({
          method: req.method ?? "",
          url: req.url ?? "",
          authorization: req.headers.authorization,
          body,
        });
        res.setHeader("content-type", "application/hal+json");
        const links = { "pb:publish-contracts": { href: `http://${req.headers.host}/contracts/publish` } };
        res.end(JSON.stringify(req.method === "GET" ? { _links: links } : { notices: [], _links: {} }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const dir = mkdtempSync(join(tmpdir(), "payclients-publish-"));
    cleanup = () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    };
    const pact = {
      consumer: { name: "payclients" },
      provider: { name: "daxpay" },
      interactions: [],
      metadata: { pactSpecification: { version: "4.0" } },
    };
    writeFileSync(join(dir, "payclients-daxpay.json"), JSON.stringify(pact));

    const { port } = server.address() as AddressInfo;
    const env = { PACT_BROKER_BASE_URL: `http://127.0.0.1:${port}`, PACT_BROKER_TOKEN: "test-token" };
    const plan = planPublish(env, CLEAN_GIT, ["payclients-daxpay.json"], dir);
    if (!plan.ok) throw new Error(plan.problems.join("; "));

    const status = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [pactBrokerBin(), ...plan.args], {
        cwd: join(import.meta.dirname, ".."),
        env: { PATH: process.env.PATH, PACT_DO_NOT_TRACK: "true", ...env },
        stdio: "ignore",
      });
      child.on("exit", resolve);
    });
    expect(status).toBe(0);
    const publish = requests.find((request) => request.method === "POST");
    expect(publish?.url).toBe("/contracts/publish");
    expect(publish?.authorization).toBe("Bearer test-token");
    const sent = JSON.parse(publish?.body ?? "{}") as {
      pacticipantName: string;
      pacticipantVersionNumber: string;
      branch: string;
      contracts: { consumerName: string; providerName: string; specification: string; content: string }[];
    };
    expect(sent.pacticipantName).toBe("payclients");
    expect(sent.pacticipantVersionNumber).toBe(CLEAN_GIT.commit);
    expect(sent.branch).toBe("main");
    expect(
      sent.contracts.map(({ consumerName, providerName, specification }) => ({
        consumerName,
        providerName,
        specification,
      })),
    ).toEqual([{ consumerName: "payclients", providerName: "daxpay", specification: "pact" }]);
    // The CLI adds its own metadata (pactRust.models); the contract itself is sent unchanged.
    expect(
      JSON.parse(Buffer.from(sent.contracts[0]?.content ?? "", "base64").toString("utf8")),
    ).toMatchObject(pact);
  });
});
