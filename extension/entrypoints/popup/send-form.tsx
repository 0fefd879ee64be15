import Button from "@mui/material/Button";
import { useEffect, useId, useState } from "react";
import { decimalTokenAmount, publicKeySchema } from "../../../shared/primitives.ts";
import { callBackground } from "../../messaging/client.ts";
import type { ResponseOf } from "../../messaging/contract.ts";
import { formatSol } from "../../messaging/format.ts";
import type { Balances } from "../../messaging/shapes.ts";
import { explorerTxUrl, formatTokenBalance, shortAddress } from "../../ui/format.ts";
import { TokenRiskNotes } from "../../ui/token-risk-notes.tsx";
import { TextInput } from "./text-input.tsx";
import { tokenLabel } from "./token-label.ts";

const SOL = "SOL";

/**
 * Send: pick SOL or a token, paste an address, type an amount (or Max). The quote shows the network
 * fee and the rent for the recipient's token account before anything is signed; the approval window
 * shows the decoded transaction; the result links to the explorer.
 */
export default function SendForm({ balances, onSent }: { balances: Balances; onSent: () => void }) {
  const selectId = useId();
  const [asset, setAsset] = useState(SOL);
  const [to, setTo] = useState("");
  const [amount, setAmount] = useState("");
  const [quote, setQuote] = useState<ResponseOf<"wallet/send-quote">>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<{ signature: string; url: string }>();
  const mint = asset === SOL ? undefined : asset;
  const token = balances.tokens.find((candidate) => candidate.mint === mint);
  const symbol = token ? tokenLabel(token).ticker : SOL;
  const addressValid = publicKeySchema.safeParse(to.trim()).success;

  useEffect(() => {
    setQuote(undefined);
    if (!addressValid) return;
    let current = true;
    callBackground("wallet/send-quote", { to: to.trim(), ...(mint ? { mint } : {}) })
      .then((answer) => {
        if (!current) return;
        setQuote(answer);
        setError(undefined);
      })
      .catch((caught: Error) => current && setError(caught.message));
    return () => {
      current = false;
    };
  }, [to, mint, addressValid]);

  if (sent) {
    return (
      <section className="flex flex-col gap-3 py-2" data-testid="send-result">
        <p className="text-lg font-extrabold">Sent</p>
        <p className="text-sm">
          {amount} {symbol} to <span className="font-mono">{shortAddress(to.trim())}</span>
        </p>
        <a className="text-sm text-[#1d9bf0] underline" href={sent.url} target="_blank" rel="noreferrer">
          View on Solana Explorer
        </a>
        <Button variant="outlined" onClick={onSent}>
          Done
        </Button>
      </section>
    );
  }

  return (
    <form
      className="flex flex-col gap-3 py-2"
      data-testid="send-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const result = await callBackground("wallet/send", {
            to: to.trim(),
            amount: amount.trim(),
            ...(mint ? { mint } : {}),
            symbol: symbol.slice(0, 20),
          });
          setSent({ signature: result.signature, url: explorerTxUrl(result.signature, result.rpcUrl) });
        } catch (caught) {
          setError((caught as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor={selectId} className="text-xs font-bold text-[#536471]">
          Token
        </label>
        <select
          id={selectId}
          className="rounded border border-[#cfd9de] bg-transparent px-3 py-2 dark:border-[#2f3336]"
          value={asset}
          onChange={(event) => {
            setAsset(event.target.value);
            setAmount("");
          }}
        >
          <option value={SOL}>SOL — {formatSol(balances.lamports)}</option>
          {balances.tokens.map((candidate) => (
            <option key={candidate.mint} value={candidate.mint}>
              {candidate.risks.length > 0 ? "⚠ " : ""}
              {tokenLabel(candidate).name} —{" "}
              {formatTokenBalance(candidate.amount, candidate.decimals, tokenLabel(candidate).ticker)}
            </option>
          ))}
        </select>
        {token ? <TokenRiskNotes risks={token.risks} /> : null}
      </div>
      <TextInput
        label="Recipient's Solana address"
        value={to}
        onChange={setTo}
        error={to.length > 0 && !addressValid}
        helper={to.length > 0 && !addressValid ? "not a Solana address (base58, 32 bytes)" : undefined}
      />
      <div className="flex items-end gap-2">
        <div className="flex-1">
          <TextInput label={`Amount (${symbol})`} value={amount} onChange={setAmount} />
        </div>
        <Button disabled={!quote} onClick={() => quote && setAmount(decimalTokenAmount(BigInt(quote.maxAmount), quote.decimals))}>
          Max
        </Button>
      </div>
      {quote ? (
        <p className="text-xs text-[#536471]" data-testid="send-fee">
          Network fee: {formatSol(quote.feeLamports)}
          {quote.recipientAccountRentLamports !== "0"
            ? ` · opening the recipient's ${symbol} account: ${formatSol(quote.recipientAccountRentLamports)} (refundable rent)`
            : ""}
        </p>
      ) : null}
      {error ? (
        <p className="text-sm text-[#f4212e]" role="alert">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="contained" disabled={busy || !quote || !amount.trim()}>
        {busy ? "Waiting for approval…" : "Review and send"}
      </Button>
    </form>
  );
}
