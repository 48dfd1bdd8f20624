// signing: operations per second of each pure sign/verify function against the bare node:crypto
// primitive it wraps, measured with tinybench (warm-up, per-sample latencies, medians) in rounds whose
// task order alternates, so neither side always runs first.
import { constants, createHash, createHmac, sign, timingSafeEqual, verify } from "node:crypto";
import { Bench } from "tinybench";
import { signDaxPay, verifyDaxPaySignature } from "../../src/daxpay/sign.js";
import { signGatePay, verifyGatePaySignature } from "../../src/gatepay/sign.js";
import {
  parsePayerMaxPrivateKey,
  parsePayerMaxPublicKey,
  signPayerMax,
  verifyPayerMaxSignature,
} from "../../src/payermax/sign.js";
// TEST KEYS, bench only: throwaway RSA-2048 pairs that never sign real traffic.
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "../../src/payermax/test-keys.js";
import { median, round } from "./lib/stats.js";

/** One row: our function against the primitive it wraps. */
export interface SigningResult {
  readonly name: string;
  /** What our side calls. */
  readonly ours: string;
  /** What the baseline calls. */
  readonly primitive: string;
  readonly oursOpsPerSec: number;
  readonly primitiveOpsPerSec: number;
  /** ours / primitive in operations per second: 1.0 means no cost on top of the primitive. */
  readonly ratio: number;
}

export interface SigningSection {
  readonly method: string;
  readonly results: SigningResult[];
}

interface Pair {
  readonly name: string;
  readonly ours: string;
  readonly primitive: string;
  /** Calls per timed sample, so the timer's own cost (~50 ns) stays small against fast HMACs. */
  readonly batch: number;
  readonly runOurs: () => unknown;
  readonly runPrimitive: () => unknown;
}

const PKCS1 = constants.RSA_PKCS1_PADDING;

function hexEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

function repeat(batch: number, fn: () => unknown): () => unknown {
  return () => {
    let last: unknown;
    for (let i = 0; i < batch; i++) last = fn();
    return last;
  };
}

function pairs(): Pair[] {
  // GatePay: HMAC-SHA512 over `ts\nnonce\nbody\n`, lowercase hex.
  const gatepaySecret = "bench-gatepay-secret-0123456789abcdef";
  const gatepay = { timestamp: "1700000000000", nonce: "abc123XYZabc123XYZabc123XYZabc12" };
  const gatepayBody = '{"merchantTradeNo":"M20240001"}';
  const gatepaySignString = `${gatepay.timestamp}\n${gatepay.nonce}\n${gatepayBody}\n`;
  const gatepaySignature = signGatePay({ secret: gatepaySecret, ...gatepay, body: gatepayBody });

  // DaxPay: sorted key=value&…&key=secret, HMAC-SHA256 (default) or MD5, lowercase hex.
  const daxSecret = "bench-daxpay-secret-0123456789abcdef";
  const daxFields = {
    orderNo: "1753370980523384832",
    clientIp: "127.0.0.1",
    nonceStr: "d112892e382a7093d112892e382a7093",
    reqTime: 1715347558,
  };
  const daxSignString = `clientIp=127.0.0.1&nonceStr=${daxFields.nonceStr}&orderNo=${daxFields.orderNo}&reqTime=1715347558&key=${daxSecret}`;
  const daxData = { code: 0, resTime: 1715347559 };
  const daxDataString = `code=0&resTime=1715347559&key=${daxSecret}`;
  const daxDataHmac = { ...daxData, sign: signDaxPay(daxData, daxSecret, "HMAC_SHA256") };
  const daxDataMd5 = { ...daxData, sign: signDaxPay(daxData, daxSecret, "MD5") };

  // PayerMax: RSASSA-PKCS1-v1_5 SHA-256 over the body, Base64. Keys parsed once, as a client does.
  const privateKey = parsePayerMaxPrivateKey(TEST_PRIVATE_KEY_PEM);
  const publicKey = parsePayerMaxPublicKey(TEST_PUBLIC_KEY_PEM);
  const payermaxBody =
    '{"version":"1.5","keyVersion":"1","requestTime":"2024-11-06T11:56:13.000+08:00","appId":"test-app-id",' +
    '"merchantNo":"SDP01010114048086","data":{"requestId":"R20241106001","outTradeNo":"P20241106001"}}';
  const payermaxBytes = Buffer.from(payermaxBody, "utf8");
  const payermaxSignature = signPayerMax(payermaxBody, privateKey);
  const payermaxSignatureBytes = Buffer.from(payermaxSignature, "base64");

  const hmacBatch = 32;
  return [
    {
      name: "GatePay sign",
      ours: "signGatePay",
      primitive: "createHmac(sha512).digest(hex) over a prebuilt sign string",
      batch: hmacBatch,
      runOurs: () => signGatePay({ secret: gatepaySecret, ...gatepay, body: gatepayBody }),
      runPrimitive: () => createHmac("sha512", gatepaySecret).update(gatepaySignString).digest("hex"),
    },
    {
      name: "GatePay verify",
      ours: "verifyGatePaySignature",
      primitive: "createHmac(sha512).digest(hex) + timingSafeEqual",
      batch: hmacBatch,
      runOurs: () =>
        verifyGatePaySignature({
          secret: gatepaySecret,
          ...gatepay,
          body: gatepayBody,
          signature: gatepaySignature,
        }),
      runPrimitive: () =>
        hexEqual(
          createHmac("sha512", gatepaySecret).update(gatepaySignString).digest("hex"),
          gatepaySignature,
        ),
    },
    {
      name: "DaxPay sign HMAC_SHA256",
      ours: "signDaxPay(fields, secret)",
      primitive: "createHmac(sha256).digest(hex) over a prebuilt sign string",
      batch: hmacBatch,
      runOurs: () => signDaxPay(daxFields, daxSecret, "HMAC_SHA256"),
      runPrimitive: () => createHmac("sha256", daxSecret).update(daxSignString).digest("hex"),
    },
    {
      name: "DaxPay sign MD5",
      ours: 'signDaxPay(fields, secret, "MD5")',
      primitive: "createHash(md5).digest(hex) over a prebuilt sign string",
      batch: hmacBatch,
      runOurs: () => signDaxPay(daxFields, daxSecret, "MD5"),
      runPrimitive: () => createHash("md5").update(daxSignString).digest("hex"),
    },
    {
      name: "DaxPay verify HMAC_SHA256",
      ours: "verifyDaxPaySignature(data, secret)",
      primitive: "createHmac(sha256).digest(hex) + timingSafeEqual",
      batch: hmacBatch,
      runOurs: () => verifyDaxPaySignature(daxDataHmac, daxSecret, "HMAC_SHA256"),
      runPrimitive: () =>
        hexEqual(createHmac("sha256", daxSecret).update(daxDataString).digest("hex"), daxDataHmac.sign),
    },
    {
      name: "DaxPay verify MD5",
      ours: 'verifyDaxPaySignature(data, secret, "MD5")',
      primitive: "createHash(md5).digest(hex) + timingSafeEqual",
      batch: hmacBatch,
      runOurs: () => verifyDaxPaySignature(daxDataMd5, daxSecret, "MD5"),
      runPrimitive: () => hexEqual(createHash("md5").update(daxDataString).digest("hex"), daxDataMd5.sign),
    },
    {
      name: "PayerMax sign (KeyObject)",
      ours: "signPayerMax(body, keyObject)",
      primitive: "crypto.sign(sha256, PKCS#1 v1.5) with a parsed KeyObject",
      batch: 1,
      runOurs: () => signPayerMax(payermaxBody, privateKey),
      runPrimitive: () =>
        sign("sha256", payermaxBytes, { key: privateKey, padding: PKCS1 }).toString("base64"),
    },
    {
      name: "PayerMax sign (PEM each call)",
      ours: "signPayerMax(body, pemString)",
      primitive: "crypto.sign(sha256, PKCS#1 v1.5) with a parsed KeyObject",
      batch: 1,
      runOurs: () => signPayerMax(payermaxBody, TEST_PRIVATE_KEY_PEM),
      runPrimitive: () =>
        sign("sha256", payermaxBytes, { key: privateKey, padding: PKCS1 }).toString("base64"),
    },
    {
      name: "PayerMax verify (KeyObject)",
      ours: "verifyPayerMaxSignature(body, sign, keyObject)",
      primitive: "crypto.verify(sha256, PKCS#1 v1.5) with a parsed KeyObject",
      batch: 8,
      runOurs: () => verifyPayerMaxSignature(payermaxBody, payermaxSignature, publicKey),
      runPrimitive: () =>
        verify("sha256", payermaxBytes, { key: publicKey, padding: PKCS1 }, payermaxSignatureBytes),
    },
  ];
}

/** Median ops/s of each task over the rounds: batch calls per sample, p50 of the sample latencies. */
async function measurePair(pair: Pair, rounds: number, timeMs: number): Promise<SigningResult> {
  const ours: number[] = [];
  const primitive: number[] = [];
  const runOurs = repeat(pair.batch, pair.runOurs);
  const runPrimitive = repeat(pair.batch, pair.runPrimitive);
  // Sanity: both sides must succeed (a verify that returns false is measuring the wrong path).
  if (runOurs() === false || runPrimitive() === false) throw new Error(`${pair.name}: verification failed`);
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: timeMs,
      iterations: 16,
      warmup: true,
      warmupTime: round === 0 ? 100 : 20,
      warmupIterations: 8,
      throws: true,
    });
    const tasks: Array<[string, () => unknown]> = [
      ["ours", runOurs],
      ["primitive", runPrimitive],
    ];
    if (round % 2 === 1) tasks.reverse();
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (!("latency" in result)) throw new Error(`${pair.name}: task ${task.name} did not complete`);
      const opsPerSec = (pair.batch * 1000) / result.latency.p50;
      (task.name === "ours" ? ours : primitive).push(opsPerSec);
    }
  }
  const oursOps = median(ours);
  const primitiveOps = median(primitive);
  return {
    name: pair.name,
    ours: pair.ours,
    primitive: pair.primitive,
    oursOpsPerSec: Math.round(oursOps),
    primitiveOpsPerSec: Math.round(primitiveOps),
    ratio: round(oursOps / primitiveOps),
  };
}

export async function benchSigning(log: (line: string) => void): Promise<SigningSection> {
  const rounds = 6;
  const timeMs = 100;
  const results: SigningResult[] = [];
  for (const pair of pairs()) {
    const result = await measurePair(pair, rounds, timeMs);
    log(`signing: ${pair.name}: ${result.oursOpsPerSec} vs ${result.primitiveOpsPerSec} ops/s`);
    results.push(result);
  }
  return {
    method:
      `tinybench, ${rounds} rounds of ${timeMs} ms per task with alternating task order; ` +
      "ops/s = calls per sample / median sample latency, median over rounds; ratio = ours / primitive",
    results,
  };
}
