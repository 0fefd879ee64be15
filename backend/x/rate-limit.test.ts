import { describe, expect, it } from "vitest";
import { RateLimitBook } from "./rate-limit.ts";

describe("RateLimitBook", () => {
  it("keeps no entry for a window with calls left, however many fans come by", () => {
    const book = new RateLimitBook();
    for (let fan = 0; fan < 1_000; fan++) book.record(`users/me fan-${fan}`, { limit: 75, remaining: 74, resetAt: 900_000 }, 0);
    expect(book.size).toBe(0);
    expect(book.waitBefore("users/me fan-1", 0).waitMs).toBe(0);
  });

  it("makes a caller wait out an exhausted window, then forgets it once it has reset", () => {
    const book = new RateLimitBook();
    book.record("users/me fan", { limit: 75, remaining: 0, resetAt: 60_000 }, 0);
    expect(book.waitBefore("users/me fan", 10_000).waitMs).toBe(50_000);
    expect(book.waitBefore("users/me fan", 60_000).waitMs).toBe(0);
    expect(book.size).toBe(0);
    // A later window with calls left replaces an exhausted one.
    book.record("users/me fan", { limit: 75, remaining: 0, resetAt: 200_000 }, 100_000);
    book.record("users/me fan", { limit: 75, remaining: 3, resetAt: 200_000 }, 100_000);
    expect(book.waitBefore("users/me fan", 100_000).waitMs).toBe(0);
  });

  it("drops exhausted windows that have reset and never holds more than its bound", () => {
    const book = new RateLimitBook(100);
    for (let fan = 0; fan < 100; fan++) book.record(`likes fan-${fan}`, { limit: 5, remaining: 0, resetAt: 60_000 }, 0);
    expect(book.size).toBe(100);
    // A minute on, those windows have reset: the next record sweeps them out.
    book.record("likes fan-new", { limit: 5, remaining: 0, resetAt: 200_000 }, 120_000);
    expect(book.size).toBe(1);
    for (let fan = 0; fan < 1_000; fan++)
      book.record(`likes other-${fan}`, { limit: 5, remaining: 0, resetAt: 400_000 }, 130_000);
    expect(book.size).toBe(100);
    // The most recent are the ones kept.
    expect(book.waitBefore("likes other-999", 130_000).waitMs).toBe(270_000);
  });
});
