import { describe, expect, it } from "vitest";
import { DAXPAY_CLOCK_SKEW_MESSAGES, DAXPAY_MAX_LENGTH, daxPayValidationMessage } from "./codes.js";

// The 2.0.8 server's texts (docs/providers.md, "DaxPay"), written out rather than rebuilt from the module.
describe("DaxPay 2.0.8 codes", () => {
  it("joins validation messages as ValidationFailedException does: prefix, then each message and a line separator", () => {
    expect(daxPayValidationMessage(["商户支付订单号不可超过100位"])).toBe(
      "验证参数错误\n商户支付订单号不可超过100位\n",
    );
    expect(daxPayValidationMessage(["随机数不可超过32位", "请求时间必填"])).toBe(
      "验证参数错误\n随机数不可超过32位\n请求时间必填\n",
    );
  });

  it("names exactly the two reqTime-window messages as clock skew", () => {
    expect(DAXPAY_CLOCK_SKEW_MESSAGES).toEqual([
      "验证参数错误\n请求已过期，请重新发送！",
      "验证参数错误\n请求时间晚于服务器接收到的时间，请检查",
    ]);
    expect(DAXPAY_CLOCK_SKEW_MESSAGES).not.toContain(daxPayValidationMessage(["请求时间必填"]));
  });

  it("keeps the @Size limits of PayCancelParam and PaymentCommonParam", () => {
    expect(DAXPAY_MAX_LENGTH).toEqual({ orderNo: 32, bizOrderNo: 100, clientIp: 64, nonceStr: 32, sign: 64 });
  });
});
