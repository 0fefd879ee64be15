import Button from "@mui/material/Button";
import { lazy, Suspense, useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import { formatSol } from "../../messaging/format.ts";
import type { WalletStatus } from "../../messaging/shapes.ts";
import { formatTokenAmount, shortAddress, tokenLabel } from "../../ui/format.ts";
import { ClaimHistory } from "./claim-history.tsx";
import { OutboxList } from "./outbox-list.tsx";
import { useBackground } from "./use-background.ts";

const SettingsPanel = lazy(() => import("./settings-panel.tsx"));

function AddressLine({ address }: { address: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex items-center gap-2">
      <span className="font-mono text-sm" title={address} data-testid="wallet-address">
        {shortAddress(address)}
      </span>
      <Button
        size="small"
        onClick={async () => {
          await navigator.clipboard.writeText(address);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}

function Balances({ owner }: { owner: string }) {
  const balances = useBackground("wallet/balances", { owner });
  if (balances.error) return <p className="text-xs text-[#536471]">Balances unavailable: {balances.error}</p>;
  if (!balances.data) return <p className="text-2xl font-extrabold text-[#536471]">…</p>;
  return (
    <div>
      <p className="text-2xl font-extrabold" data-testid="sol-balance">
        {formatSol(balances.data.lamports)}
      </p>
      <ul className="text-sm">
        {balances.data.tokens.map((token) => (
          <li key={token.mint} className="flex justify-between">
            <span title={token.mint}>{tokenLabel(token.mint)}</span>
            <span>{formatTokenAmount(token.amount, token.decimals)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

const tabs = ["History", "Pending", "Settings"] as const;

/** The unlocked wallet: address, balances, then claim history, the outbox and settings in tabs. */
export default function WalletHome({ status, onStatus }: { status: WalletStatus; onStatus: (status: WalletStatus) => void }) {
  const [tab, setTab] = useState<(typeof tabs)[number]>("History");
  const address = status.activeAddress ?? "";
  return (
    <div className="flex flex-col">
      <section className="flex flex-col gap-1 px-4 pb-3">
        <div className="flex items-center justify-between">
          <AddressLine address={address} />
          {status.choice === "builtin" ? (
            <Button
              size="small"
              variant="outlined"
              color="inherit"
              onClick={async () => onStatus(await callBackground("wallet/lock", {}))}
            >
              Lock
            </Button>
          ) : (
            <span className="text-xs text-[#536471]">{status.external?.name}</span>
          )}
        </div>
        <Balances owner={address} />
      </section>
      <div className="flex border-b border-[#cfd9de] dark:border-[#2f3336]" role="tablist">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            onClick={() => setTab(name)}
            className={`flex-1 py-2 text-sm font-bold ${tab === name ? "border-b-4 border-[#1d9bf0]" : "text-[#536471]"}`}
          >
            {name}
          </button>
        ))}
      </div>
      <div className="px-4 py-2">
        {tab === "History" ? <ClaimHistory /> : null}
        {tab === "Pending" ? <OutboxList /> : null}
        {tab === "Settings" ? (
          <Suspense fallback={<p className="text-sm">Loading…</p>}>
            <SettingsPanel />
          </Suspense>
        ) : null}
      </div>
    </div>
  );
}
