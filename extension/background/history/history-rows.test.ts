import { chainToken } from "../../../shared/tokens/testing/token-fixtures.ts";
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import type { ClaimRecord } from "../../messaging/shapes.ts";
import { openMemefansDatabase } from "../storage/database.ts";
import { historyRows } from "./history-rows.ts";

const DISTRIBUTION = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const WALLET = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const SIGNATURE = "5".repeat(88);
const NEVER_CACHED = "So11111111111111111111111111111111111111112";

function record(distribution: string, status: ClaimRecord["status"]): ClaimRecord {
  return {
    key: `${distribution}-${status}`,
    distribution,
    wallet: WALLET,
    status,
    ...(status === "confirmed" ? { signature: SIGNATURE } : {}),
    createdAt: 1,
    updatedAt: 2,
  };
}

describe("claim history rows", () => {
  it("add the giveaway's amount, token and post, and the payout's explorer link once confirmed", async () => {
    const db = await openMemefansDatabase("history-rows");
    await db.put("distributions", {
      address: DISTRIBUTION,
      postId: "1850000000000000001",
      fetchedAt: 1,
      distribution: {
        address: DISTRIBUTION,
        postId: "1850000000000000001",
        creator: WALLET,
        mint: MINT,
        creatorUsername: "memecreator",
        token: { ...chainToken(MINT, 6), name: "Fan Coin", symbol: "FAN" },
        amountPerClaim: "10000000",
        maxClaims: 3,
        claimedCount: 1,
        startsAt: 0,
        endsAt: 10,
        paused: false,
        closed: false,
        requirements: [],
        link: "https://memefans.example/d/x",
      },
    });
    const rows = await historyRows(
      db,
      [record(DISTRIBUTION, "confirmed"), record(DISTRIBUTION, "queued"), record(NEVER_CACHED, "confirmed")],
      "http://127.0.0.1:8899",
    );
    expect(rows[0]).toMatchObject({
      payout: { amount: "10000000", decimals: 6, mint: MINT, symbol: "FAN" },
      postUrl: "https://x.com/i/status/1850000000000000001",
      creatorHandle: "memecreator",
      explorerUrl: `https://explorer.solana.com/tx/${SIGNATURE}?cluster=custom&customUrl=http%3A%2F%2F127.0.0.1%3A8899`,
    });
    expect(rows[1]?.explorerUrl).toBeUndefined();
    // A giveaway this device never cached: no amount or post is made up.
    expect(rows[2]?.payout).toBeUndefined();
    expect(rows[2]?.postUrl).toBeUndefined();
    db.close();
  });
});
