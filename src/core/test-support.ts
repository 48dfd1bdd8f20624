// Test-only helpers: a scripted `fetch` that records exactly what a client sent and answers from a
// list, and the failures Node's fetch produces on a bad day. Not exported from the package.

/** What the fake fetch saw, read from the Request the client built. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  /** Lower-cased header names, as the Headers class reports them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body text on the wire. */
  readonly body: string;
  readonly redirect: RequestRedirect;
}

/** One scripted answer: a Response, or a throw, possibly depending on the request. */
export type Answer = (request: Request) => Response | Promise<Response>;

/** A fetch that records each request and answers with `answers` in order (the last one repeats). */
export function scriptedFetch(...answers: Answer[]): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fake = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    sent.push({
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: await request.clone().text(),
      redirect: request.redirect,
    });
    const answer = answers[Math.min(sent.length, answers.length) - 1];
    if (answer === undefined) throw new Error("scriptedFetch: no answers given");
    return answer(request);
  };
  return { fetch: fake as typeof fetch, sent };
}

/** Answers `body` (serialized as JSON unless it is already a string) with `status` and `headers`. */
export function answerJson(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return () => new Response(text, { status, headers: { "content-type": "application/json", ...headers } });
}

/** Answers raw `text` with `status` and `headers` (no content type unless given). */
export function answerText(status: number, text: string, headers: Record<string, string> = {}): Answer {
  return () => new Response(text, { status, headers });
}

/** Node's fetch failing with `code` in its cause, as undici does ("fetch failed"). */
export function failWith(code: string): Answer {
  return () => {
    throw new TypeError("fetch failed", { cause: Object.assign(new Error(`connect ${code}`), { code }) });
  };
}

/** Never answers; rejects with the request signal's reason when the per-attempt timeout fires. */
export function hang(): Answer {
  return (request) =>
    new Promise<Response>((_resolve, reject) => {
      request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
    });
}

/** Sends the status and headers, then the connection resets after `firstChunk`. */
export function resetMidBody(status: number, firstChunk: string): Answer {
  return () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(firstChunk));
        controller.error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
      },
    });
    return new Response(stream, { status, headers: { "content-type": "application/json" } });
  };
}

/** Runs `promise` and returns what it rejected with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, got a value");
}

/** A nonce source returning "nonce1", "nonce2", … so each attempt's nonce is known. */
export function countingNonce(prefix = "nonce"): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}
