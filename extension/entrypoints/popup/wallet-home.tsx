import Button from "@mui/material/Button";
import { lazy, Suspense, useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import type { WalletStatus } from "../../messaging/shapes.ts";
import { shortAddress } from "../../ui/format.ts";
import { BackupCheck } from "./backup-check.tsx";
import { ClaimHistory } from "./claim-history.tsx";
import { NetworkBadge } from "./network-badge.tsx";
import { OutboxList } from "./outbox-list.tsx";
import { TokenRows } from "./token-rows.tsx";
import { useBackground } from "./use-background.ts";

const AdvancedPanel = lazy(() => import("./advanced-panel.tsx"));
const SendForm = lazy(() => import("./send-form.tsx"));
const ReceivePanel = lazy(() => import("./receive-panel.tsx"));

const tabs = ["Tokens", "History", "Pending", "Advanced"] as const;
type Panel = (typeof tabs)[number] | "Send" | "Receive" | "Backup";

/** The wallet: address, SOL and tokens, Send and Receive, then history, the outbox and the advanced settings. */
export default function WalletHome({ status, onStatus }: { status: WalletStatus; onStatus: (status: WalletStatus) => void }) {
  const [panel, setPanel] = useState<Panel>("Tokens");
  const address = status.activeAddress ?? "";
  const builtin = status.choice === "builtin";
  const balances = useBackground("wallet/balances", { owner: address });
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col">
      <section className="flex flex-col gap-2 px-4 pb-3">
        <div className="flex items-center justify-between">
          <button
            type="button"
            className="font-mono text-sm"
            title={address}
            aria-label="Copy address"
            data-testid="wallet-address"
            onClick={async () => {
              await navigator.clipboard.writeText(address);
              setCopied(true);
            }}
          >
            {shortAddress(address)} <span className="text-xs text-[#1d9bf0]">{copied ? "Copied" : "Copy"}</span>
          </button>
          <NetworkBadge />
          {builtin ? (
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
        {builtin && status.builtin.backup === "pending" && panel !== "Backup" ? (
          <div className="flex items-center justify-between gap-2 rounded bg-[#fff4e5] p-2 text-sm text-[#663c00]" role="alert">
            Your recovery phrase is not backed up yet.
            <Button size="small" onClick={() => setPanel("Backup")}>
              Back up now
            </Button>
          </div>
        ) : null}
        <div className="flex gap-2">
          {builtin ? (
            <Button className="flex-1" variant="contained" disabled={!balances.data} onClick={() => setPanel("Send")}>
              Send
            </Button>
          ) : null}
          <Button className="flex-1" variant="outlined" onClick={() => setPanel("Receive")}>
            Receive
          </Button>
        </div>
      </section>
      <div className="flex border-b border-[#cfd9de] dark:border-[#2f3336]" role="tablist">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={panel === name}
            onClick={() => setPanel(name)}
            className={`flex-1 py-2 text-sm font-bold ${panel === name ? "border-b-4 border-[#1d9bf0]" : "text-[#536471]"}`}
          >
            {name}
          </button>
        ))}
      </div>
      <div className="px-4 py-2">
        {panel === "Tokens" ? (
          balances.error ? (
            <p className="text-xs text-[#536471]">Balances unavailable: {balances.error}</p>
          ) : balances.data ? (
            <TokenRows balances={balances.data} />
          ) : (
            <p className="text-sm text-[#536471]">Loading…</p>
          )
        ) : null}
        {panel === "History" ? <ClaimHistory /> : null}
        {panel === "Pending" ? <OutboxList /> : null}
        {panel === "Backup" ? (
          <BackupCheck
            onDone={(next) => {
              onStatus(next);
              setPanel("Tokens");
            }}
          />
        ) : null}
        <Suspense fallback={<p className="text-sm">Loading…</p>}>
          {panel === "Advanced" ? <AdvancedPanel builtin={builtin} /> : null}
          {panel === "Receive" ? <ReceivePanel address={address} /> : null}
          {panel === "Send" && balances.data ? (
            <SendForm
              balances={balances.data}
              onSent={() => {
                setPanel("Tokens");
                void balances.reload();
              }}
            />
          ) : null}
        </Suspense>
      </div>
    </div>
  );
}
