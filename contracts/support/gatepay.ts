// GatePay request and answer shapes shared by the two GatePay contracts (payments and OTC): the
// signed headers as the client sends them at the fixed clock and nonce.
import type { TemplateHeaders } from "@pact-foundation/pact";
import { signGatePay } from "../../src/gatepay/sign.js";
import { headerPattern, matching, NONCE, NOW_MS, type RequestBuilder } from "./consumer.js";
import { GATEPAY } from "./credentials.js";

type GatePayApi = "gatepay-payments" | "gatepay-otc";

/**
 * The headers of a signed GatePay request. The client id (and, on the OTC API, the merchant id) are
 * the configured values, pinned exactly; timestamp, nonce and signature change with every request, so
 * they are matched by their format (the spec's x-pattern), with the values the client computed at the
 * fixed clock and nonce as the examples.
 */
function signedHeaders(api: GatePayApi, text: string): TemplateHeaders {
  const timestamp = String(NOW_MS);
  const headers: TemplateHeaders = {
    "Content-Type": "application/json",
    "X-GatePay-Certificate-ClientId": GATEPAY.clientId,
    "X-GatePay-Timestamp": matching(headerPattern(api, "X-GatePay-Timestamp"), timestamp),
    "X-GatePay-Nonce": matching(headerPattern(api, "X-GatePay-Nonce"), NONCE),
    "X-GatePay-Signature": matching(
      headerPattern(api, "X-GatePay-Signature"),
      signGatePay({ secret: GATEPAY.secret, timestamp, nonce: NONCE, body: text }),
    ),
  };
  if (api === "gatepay-otc") headers["X-GatePay-MerchantId"] = String(GATEPAY.merchantId);
  return headers;
}

/** A signed request with this JSON body (written in the order the client serializes it). */
export function signedRequest(api: GatePayApi, body: Record<string, unknown>) {
  return (builder: RequestBuilder): void => {
    builder.headers(signedHeaders(api, JSON.stringify(body))).jsonBody(body);
  };
}
