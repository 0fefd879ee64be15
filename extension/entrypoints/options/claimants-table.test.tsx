import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Claimant } from "../../../shared/api/creator-dashboard.ts";
import { ClaimantsTable } from "./claimants-table.tsx";

const text = (markup: string) =>
  markup
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
const WALLET = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const SIGNATURE = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";
const EXPLORER = `https://explorer.solana.com/tx/${SIGNATURE}?cluster=custom&customUrl=http%3A%2F%2F127.0.0.1%3A8899%2Frpc`;

const distribution = { address: WALLET, amountPerClaim: 25_000_000n, token: { decimals: 6 } };

function claimant(slot: number, overrides: Partial<Claimant> = {}): Claimant {
  return {
    slot,
    xUserId: String(1000 + slot),
    username: `fan${slot}`,
    wallet: WALLET,
    status: "confirmed",
    claimedAt: "2026-12-05T04:00:00.000Z",
    updatedAt: "2026-12-05T04:00:03.000Z",
    ...overrides,
  };
}

function render(claimants: Claimant[], nextBefore: number | null, counts = { paid: 60, pending: 1, failed: 1 }) {
  return renderToStaticMarkup(
    <ClaimantsTable
      distribution={distribution}
      filter="all"
      onFilter={() => undefined}
      page={{ claimants, nextBefore, counts }}
      older={undefined}
      onOlder={() => undefined}
      rpcUrl="http://127.0.0.1:8899/rpc"
    />,
  );
}

describe("the claimants table", () => {
  it("shows each claimant's handle, short wallet, state in words and the payout's explorer link", () => {
    const markup = render(
      [
        claimant(2, { status: "queued" }),
        claimant(1, { status: "failed", failureReason: "slot_taken", signature: SIGNATURE }),
        claimant(0, { signature: SIGNATURE }),
      ],
      null,
      { paid: 1, pending: 1, failed: 1 },
    );
    const rows = [...markup.matchAll(/<tr [^>]*data-testid="claimant-row">(.*?)<\/tr>/g)].map((row) => text(row[1] ?? ""));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^3 @fan2 9xQe…VFin .+ Queued$/);
    expect(rows[1]).toMatch(/^2 @fan1 9xQe…VFin .+ Failed: slot taken by another transaction$/);
    expect(rows[2]).toMatch(/^1 @fan0 9xQe…VFin .+ Paid explorer ↗$/);
    expect(markup).toContain(`href="${EXPLORER.replaceAll("&", "&amp;")}"`);
    expect(markup).toContain('href="https://x.com/fan0"');
    // The failure's full sentence is on hover.
    expect(markup).toContain("Someone else&#x27;s transaction took this claim&#x27;s slot");
    expect(text(markup)).toContain("All 3 Paid 1 Pending 1 Failed 1");
    expect(markup).not.toContain("more</button>");
  });

  it("offers the rest of the list a page at a time", () => {
    const page = Array.from({ length: 50 }, (_, index) => claimant(61 - index));
    expect(text(render(page, 12))).toContain("Show 12 more");
  });

  it("says so when nobody has claimed", () => {
    expect(text(render([], null, { paid: 0, pending: 0, failed: 0 }))).toContain("Nobody has claimed yet.");
  });
});
