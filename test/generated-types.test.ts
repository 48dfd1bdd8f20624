// Type-level checks: tsc (npm run typecheck) fails if the generated types lose a field, make an
// optional field required or the reverse, or widen an enum. Vitest runs the same file as a smoke test.
import { describe, expectTypeOf, it } from "vitest";
import type { components as DaxPay } from "../generated/daxpay.js";
import type { components as Otc, operations as OtcOperations } from "../generated/gatepay-otc.js";
import type { components as Payments } from "../generated/gatepay-payments.js";
import type { components as PayerMax } from "../generated/payermax.js";

describe("generated types", () => {
  it("type GatePay's close request as at least one of merchantTradeNo and prepayId", () => {
    type Request = Payments["schemas"]["CloseOrderRequest"];
    expectTypeOf<Request>().toEqualTypeOf<
      { merchantTradeNo?: string; prepayId?: string } & ({ merchantTradeNo: string } | { prepayId: string })
    >();
    expectTypeOf<{ merchantTradeNo: "1" }>().toExtend<Request>();
    expectTypeOf<{ prepayId: "1" }>().toExtend<Request>();
    expectTypeOf<Record<string, never>>().not.toExtend<Request>();
  });

  it("type GatePay's close response envelope tolerantly: status required, code present but nullable, data an object, a string or null", () => {
    type Response = Payments["schemas"]["CloseOrderResponse"];
    expectTypeOf<Response["status"]>().toEqualTypeOf<string>();
    expectTypeOf<Response["code"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Response["errorMessage"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Response["data"]>().toEqualTypeOf<{ result?: string } | string | null | undefined>();
  });

  it("type the OTC recharge request with its six required fields, enums and an optional promo code", () => {
    type Request = Otc["schemas"]["OtcRechargeRequest"];
    expectTypeOf<Request>().toEqualTypeOf<{
      quoteToken: string;
      bankId: string;
      currency: "USDT" | "USDC";
      amount: string;
      fiatCurrency: "USD";
      fiatAmount: string;
      promoCode?: string;
    }>();
  });

  it("type the OTC cancel request and keep the operations (and the OTC notification webhook) named", () => {
    expectTypeOf<Otc["schemas"]["CancelRequest"]>().toEqualTypeOf<{ orderId: string }>();
    expectTypeOf<keyof OtcOperations>().toEqualTypeOf<
      "createRecharge" | "cancelRecharge" | "otcOrderNotification"
    >();
  });

  it("type the OTC recharge response's data, with its int64 fields (createTime, card ids) as exact decimal strings", () => {
    type Data = Extract<NonNullable<Otc["schemas"]["OtcRechargeResponse"]["data"]>, object>;
    expectTypeOf<Data["createTime"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Data["card_info"]>["id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Data["card_info"]>["uid"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Data["paid"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<NonNullable<Data["card_info"]>["iban"]>().toEqualTypeOf<string | undefined>();
  });

  it("type DaxPay's cancel request with reqTime required and at least one of orderNo and bizOrderNo", () => {
    expectTypeOf<DaxPay["schemas"]["PayCancelParam"]>().toEqualTypeOf<
      {
        orderNo?: string;
        bizOrderNo?: string;
        clientIp?: string;
        nonceStr?: string;
        sign?: string;
        reqTime: number;
      } & ({ orderNo: string } | { bizOrderNo: string })
    >();
  });

  it("type DaxPay's signed result with code, resTime and sign required", () => {
    type Model = DaxPay["schemas"]["PayCancelModel"];
    expectTypeOf<Model["code"]>().toEqualTypeOf<number>();
    // int64 in an answer is delivered as its exact decimal text; the request's reqTime stays a number.
    expectTypeOf<Model["resTime"]>().toEqualTypeOf<string>();
    expectTypeOf<Model["sign"]>().toEqualTypeOf<string>();
    expectTypeOf<Model["msg"]>().toEqualTypeOf<string | null | undefined>();
  });

  it("type PayerMax's request envelope and its cancel status enum", () => {
    type Request = PayerMax["schemas"]["CancelRequest"];
    expectTypeOf<Request["merchantNo"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Request["data"]>().toEqualTypeOf<{ requestId: string; outTradeNo: string }>();
    expectTypeOf<PayerMax["schemas"]["CancelResponseData"]["status"]>().toEqualTypeOf<
      "SUCCESS" | "FAILED" | "PENDING"
    >();
    expectTypeOf<PayerMax["schemas"]["CancelResponseData"]["succeededTime"]>().toEqualTypeOf<string | null>();
  });
});
