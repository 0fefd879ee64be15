import { describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { HttpError } from "../http/errors.ts";
import type { XAccounts } from "../identity/x-accounts.ts";
import { createXApiClient, RequirementCache, XApiError } from "../x/index.ts";
import type { ChainReader } from "./chain-reader.ts";
import { EligibilityChecker } from "./eligibility.ts";

describe("EligibilityChecker", () => {
  it("answers X failing during a token refresh like any X failure, not as an unexplained 500", async () => {
    const accounts = {
      accessTokenFor: async () => {
        throw new XApiError("X did not answer oauth2/token: connect ECONNREFUSED", 0, "oauth2/token");
      },
      profileOnRecord: async () => undefined,
    } as unknown as XAccounts;
    const checker = new EligibilityChecker({
      database: { query: async () => ({ rows: [] }) } as unknown as Database,
      accounts,
      xClient: createXApiClient(),
      chain: {} as ChainReader,
      cache: new RequirementCache(),
    });
    const answer = await checker
      .check("1399000000000000002", {
        postId: "1860000000000000100",
        creatorXUserId: "1399000000000000001",
        requirements: [{ type: "follow" }],
      })
      .catch((caught: unknown) => caught);
    expect(answer).toBeInstanceOf(HttpError);
    expect(answer).toMatchObject({ status: 502, code: "x_unavailable", details: { endpoint: "oauth2/token" } });
  });
});
