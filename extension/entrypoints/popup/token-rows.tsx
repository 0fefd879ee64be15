import { formatSol } from "../../messaging/format.ts";
import type { Balances } from "../../messaging/shapes.ts";
import { formatTokenBalance } from "../../ui/format.ts";
import { TokenRiskNotes } from "../../ui/token-risk-notes.tsx";
import { tokenLabel } from "./token-label.ts";

/** SOL and each token the wallet holds, named as the chain names it, with its warnings. */
export function TokenRows({ balances }: { balances: Balances }) {
  return (
    <ul className="flex flex-col divide-y divide-[#cfd9de] dark:divide-[#2f3336]" data-testid="token-list">
      <li className="flex items-center gap-3 py-2">
        <span className="flex h-8 w-8 items-center justify-center rounded-full bg-[#0f1419] text-xs font-bold text-white">
          SOL
        </span>
        <span className="flex-1 text-sm font-bold">Solana</span>
        <span className="text-sm" data-testid="sol-balance">
          {formatSol(balances.lamports)}
        </span>
      </li>
      {balances.tokens.map((token) => {
        const label = tokenLabel(token);
        return (
          <li key={token.mint} className="flex items-center gap-3 py-2" data-testid="token-row" data-mint={token.mint}>
            {token.logoUrl ? (
              <img src={token.logoUrl} alt="" className="h-8 w-8 rounded-full" />
            ) : (
              <span className="flex h-8 w-8 items-center justify-center rounded-full bg-[#cfd9de] text-xs font-bold dark:bg-[#2f3336]">
                ?
              </span>
            )}
            <span className="flex min-w-0 flex-1 flex-col">
              <span className="truncate text-sm font-bold" title={token.mint}>
                {label.name}
              </span>
              <span className="text-xs text-[#536471]">{label.ticker}</span>
              <TokenRiskNotes risks={token.risks} />
            </span>
            <span className="text-sm">{formatTokenBalance(token.amount, token.decimals, label.ticker)}</span>
          </li>
        );
      })}
    </ul>
  );
}
