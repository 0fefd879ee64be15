import type { RequirementChecker } from "./context.ts";

/** Hold at least N of a mint. Cost: 0 X calls; the injected tokenBalanceOf reads the chain. */
export const checkHoldToken: RequirementChecker<{ type: "hold_token"; mint: string; minAmount: bigint }> = async (
  requirement,
  context,
) => {
  const wallet = context.fan.wallet;
  if (!wallet) return { met: false, detail: "bind a wallet first; its balance is what counts" };
  const balance = await context.tokenBalanceOf(wallet, requirement.mint);
  return balance >= requirement.minAmount
    ? { met: true, detail: `your wallet holds ${balance} (raw units)` }
    : { met: false, detail: `your wallet holds ${balance} raw units; at least ${requirement.minAmount} are needed` };
};
