// The Node adapter over real loopback sockets (an integration test: it starts servers); the
// Web-standard handler itself is tested in notifications.test.ts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answer, daxpayBody, handlerWith, payermaxRequest } from "./notification-test-support.js";
import { toNodeHandler } from "./notifications.js";

describe("toNodeHandler", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(preParse?: (body: string) => unknown): Promise<string> {
    const node = toNodeHandler(handlerWith(() => {}));
    server = createServer((request, response) => {
      if (preParse === undefined) {
        void node(request, response);
        return;
      }
      let text = "";
      request.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      request.on("end", () => void node(Object.assign(request, { body: preParse(text) }), response));
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  }

  it("verifies the raw body streamed by node:http and acknowledges", async () => {
    const url = await serve();
    const request = payermaxRequest();
    const response = await fetch(url, {
      method: "POST",
      headers: request.headers,
      body: await request.text(),
    });
    expect(await answer(response)).toMatchObject({ status: 200, body: '{"code":"SUCCESS","msg":"Success"}' });
  });

  it("uses a raw body a framework left as a string or Buffer, and refuses an already-parsed one", async () => {
    const raw = await serve((text) => Buffer.from(text, "utf8"));
    expect((await answer(await fetch(raw, { method: "POST", body: daxpayBody() }))).body).toBe("SUCCESS");
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const parsed = await serve((text) => JSON.parse(text));
    const response = await fetch(parsed, { method: "POST", body: daxpayBody() });
    expect(await answer(response)).toMatchObject({ status: 500, body: '{"error":"raw_body_required"}' });
  });
});
