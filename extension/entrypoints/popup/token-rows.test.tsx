// @vitest-environment happy-dom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import type { Balances } from "../../messaging/shapes.ts";
import SendForm from "./send-form.tsx";
import { TokenRows } from "./token-rows.tsx";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const FREEZE_RISK =
  "Its issuer can freeze any account of this token: yours, or a giveaway's escrow, which would stop its payouts.";
const balances: Balances = {
  owner: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
  lamports: "1000000000",
  tokens: [
    {
      mint: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
      amount: "1000000",
      decimals: null,
      tokenProgram: "spl-token",
      risks: [],
    },
    {
      mint: "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263",
      amount: "150000",
      decimals: 5,
      tokenProgram: "spl-token",
      name: "USD Coin",
      symbol: "USDС",
      risks: ["Calls itself USDC but is not the real USDC: check the mint address.", FREEZE_RISK],
    },
  ],
};

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function render(element: React.ReactNode): Promise<HTMLElement> {
  const host = document.createElement("div");
  document.body.append(host);
  const root = createRoot(host);
  await act(async () => root.render(element));
  unmount = () => {
    act(() => root.unmount());
    host.remove();
  };
  return host;
}

describe("the popup's tokens", () => {
  it("lists a token of unknown decimals in raw units, said so, and each token's warnings", async () => {
    const rows = [...(await render(<TokenRows balances={balances} />)).querySelectorAll('[data-testid="token-row"]')];
    expect(rows[0]?.textContent).toContain("1,000,000 raw units of EPjF…Dt1v (decimals unknown)");
    expect(rows[1]?.textContent).toContain("1.5 USDС");
    expect([...(rows[1]?.querySelectorAll('[data-testid="token-risk"]') ?? [])].map((note) => note.textContent)).toEqual([
      "⚠ Calls itself USDC but is not the real USDC: check the mint address.",
      `⚠ ${FREEZE_RISK}`,
    ]);
  });

  it("marks a risky token in the Send picker and shows its warnings once picked", async () => {
    const form = await render(<SendForm balances={balances} onSent={() => undefined} />);
    const select = form.querySelector("select") as HTMLSelectElement;
    const options = [...select.options].map((option) => option.textContent);
    expect(options[1]).toBe("Unknown token — 1,000,000 raw units of EPjF…Dt1v (decimals unknown)");
    expect(options[2]).toBe("⚠ USD Coin — 1.5 USDС");
    await act(async () => {
      select.value = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(form.querySelector('[data-testid="token-risk"]')?.textContent).toContain("not the real USDC");
  });
});
