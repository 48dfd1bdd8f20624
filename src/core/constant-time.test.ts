import { describe, expect, it } from "vitest";
import { constantTimeEqual } from "./constant-time.js";

describe("constantTimeEqual", () => {
  it("returns true for identical strings", () => {
    expect(constantTimeEqual("3e71c47b15fc9c3d", "3e71c47b15fc9c3d")).toBe(true);
  });

  it("returns false for different strings of the same length", () => {
    expect(constantTimeEqual("3e71c47b15fc9c3d", "3e71c47b15fc9c3e")).toBe(false);
  });

  it("returns false without throwing for strings of different lengths", () => {
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("abcd", "abc")).toBe(false);
  });

  it("returns true for two empty strings", () => {
    expect(constantTimeEqual("", "")).toBe(true);
  });

  it("returns false for an empty string against a non-empty one", () => {
    expect(constantTimeEqual("", "a")).toBe(false);
    expect(constantTimeEqual("a", "")).toBe(false);
  });

  it("compares UTF-8 bytes, so strings of equal length in characters but not in bytes are unequal", () => {
    // "é" is one UTF-16 code unit but two UTF-8 bytes.
    expect(constantTimeEqual("é", "e")).toBe(false);
    expect(constantTimeEqual("用户", "用户")).toBe(true);
  });

  it("is case-sensitive, so uppercase hex does not equal lowercase hex", () => {
    expect(constantTimeEqual("abcdef", "ABCDEF")).toBe(false);
  });
});
