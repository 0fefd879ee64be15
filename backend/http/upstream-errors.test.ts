import { describe, expect, it } from "vitest";
import { XApiError, XForbiddenError, XRateLimitedError, XUsageCappedError } from "../x/index.ts";
import { HttpError } from "./errors.ts";
import { fromXError } from "./upstream-errors.ts";

function answerTo(error: unknown): HttpError {
  try {
    fromXError(error, () => 0);
  } catch (thrown) {
    if (thrown instanceof HttpError) return thrown;
    throw thrown;
  }
  throw new Error("fromXError returned");
}

describe("fromXError", () => {
  it("answers X's usage cap with a 503 that says the checks are paused, with no retry hint", () => {
    const problem = { title: "UsageCapExceeded", type: "https://api.twitter.com/2/problems/usage-capped", period: "Monthly" };
    const answer = answerTo(new XUsageCappedError("capped", 429, "users/:id", problem));
    expect(answer).toMatchObject({ status: 503, code: "x_unavailable", headers: {} });
    expect(answer.message).toMatch(/paused: the operator's X API quota is used up/);
    expect(answer.message).not.toMatch(/try again/);
  });

  it("answers an app X does not let call the endpoint as the operator's to fix, not a retry", () => {
    const notEnrolled = {
      title: "Client Forbidden",
      type: "https://api.twitter.com/2/problems/client-forbidden",
      reason: "client-not-enrolled",
    };
    const answer = answerTo(new XForbiddenError("forbidden", 403, "users/:id", notEnrolled));
    expect(answer).toMatchObject({ status: 503, code: "x_unavailable", headers: {} });
    expect(answer.message).toMatch(/operator's app/);
  });

  it("asks the fan to sign in again when their token lacks a scope", () => {
    const missingScope = { title: "Forbidden", type: "about:blank", status: 403, detail: "Forbidden" };
    const answer = answerTo(new XForbiddenError("forbidden", 403, "users/:id/liked_tweets", missingScope));
    expect(answer).toMatchObject({ status: 401, code: "unauthorized" });
    expect(answer.message).toMatch(/sign in with X again/);
  });

  it("keeps the rate limit's Retry-After and X being unreachable a 502", () => {
    expect(answerTo(new XRateLimitedError("users/:id", new Date(4_000), 75))).toMatchObject({
      status: 429,
      headers: { "Retry-After": "4" },
    });
    expect(answerTo(new XApiError("no answer", 0, "users/:id"))).toMatchObject({ status: 502, code: "x_unavailable" });
  });
});
