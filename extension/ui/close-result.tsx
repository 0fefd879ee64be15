import { formatSol } from "../messaging/format.ts";
import type { CloseResult } from "../messaging/shapes.ts";
import { explorerTxUrl, formatTokenAmount, tokenLabel } from "./format.ts";

/** "Returned 2,000 $WIF and 0.05 SOL": what the clawback put back in the creator's wallet, as measured on chain. */
export function returnedText({ returned }: CloseResult): string {
  const token = returned.symbol ? `$${returned.symbol}` : tokenLabel(returned.mint);
  return `Returned ${formatTokenAmount(returned.amount, returned.decimals)} ${token} and ${formatSol(returned.lamports)}`;
}

/** The close's outcome with its transaction on the explorer, instead of a raw signature. */
export function CloseResultNote({ result }: { result: CloseResult }) {
  return (
    <span className="text-sm" data-testid="close-result">
      {returnedText(result)} ·{" "}
      <a href={explorerTxUrl(result.signature, result.rpcUrl)} target="_blank" rel="noreferrer" className="underline">
        view on the explorer
      </a>
    </span>
  );
}
