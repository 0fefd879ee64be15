import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import { lazy, Suspense, useState } from "react";
import { browser } from "wxt/browser";
import { callBackground } from "../../messaging/client.ts";
import type { WalletChoice, WalletStatus } from "../../messaging/shapes.ts";
import { UnlockForm } from "./unlock-form.tsx";
import { useBackground } from "./use-background.ts";
import { WalletSetup } from "./wallet-setup.tsx";

// The unlocked view pulls in the lists and settings; the first paint needs none of it.
const WalletHome = lazy(() => import("./wallet-home.tsx"));

const walletNames: Record<WalletChoice, string> = {
  builtin: "Built-in",
  phantom: "Phantom",
  solflare: "Solflare",
  standard: "Other",
};

function WalletChoiceBar({ status, onChange }: { status: WalletStatus; onChange: (next: WalletStatus) => void }) {
  return (
    <fieldset className="flex gap-1" aria-label="Wallet">
      {(["builtin", "phantom", "solflare"] as const).map((choice) => (
        <button
          key={choice}
          type="button"
          aria-pressed={status.choice === choice}
          onClick={async () => onChange(await callBackground("wallet/choose", { choice }))}
          className={`rounded-full px-3 py-1 text-xs font-bold ${
            status.choice === choice
              ? "bg-[#0f1419] text-white dark:bg-[#e7e9ea] dark:text-black"
              : "border border-[#cfd9de] dark:border-[#2f3336]"
          }`}
        >
          {walletNames[choice]}
        </button>
      ))}
    </fieldset>
  );
}

function XAccount({ status, onChange }: { status: WalletStatus; onChange: () => void }) {
  const [error, setError] = useState<string>();
  if (status.xUser) return <span className="text-sm font-bold">@{status.xUser.username}</span>;
  return (
    <span className="flex flex-col items-end">
      <Button
        size="small"
        variant="outlined"
        onClick={() =>
          callBackground("x/connect", {})
            .then(onChange)
            .catch((caught: Error) => setError(caught.message))
        }
      >
        Connect X
      </Button>
      {error ? <span className="max-w-40 text-right text-xs text-[#f4212e]">{error}</span> : null}
    </span>
  );
}

/** The popup: set up or unlock the built-in wallet, then the wallet view; Phantom/Solflare connect on x.com. */
export function PopupApp() {
  const status = useBackground("wallet/status", {});
  const [override, setOverride] = useState<WalletStatus>();
  const current = override ?? status.data;
  const update = (next: WalletStatus) => {
    setOverride(next);
  };
  const refresh = async () => {
    setOverride(undefined);
    await status.reload();
  };
  if (status.error && !current) return <Alert severity="error">{status.error}</Alert>;
  if (!current) return <div className="p-4 text-xl font-bold">MEMEFANS</div>;
  const builtin = current.choice === "builtin";
  return (
    <div className="flex h-[600px] w-[360px] flex-col">
      <header className="flex items-center justify-between gap-2 border-b border-[#cfd9de] px-4 py-3 dark:border-[#2f3336]">
        <h1 className="text-lg font-extrabold">MEMEFANS</h1>
        <XAccount status={current} onChange={refresh} />
      </header>
      <div className="flex items-center justify-between px-4 py-2">
        <WalletChoiceBar status={current} onChange={update} />
        <Button size="small" onClick={() => browser.runtime.openOptionsPage()} data-testid="open-dashboard">
          Creator dashboard
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {builtin && current.builtin.state === "absent" ? <WalletSetup onDone={() => void refresh()} /> : null}
        {builtin && current.builtin.state === "locked" ? (
          <UnlockForm address={current.builtin.address ?? ""} onUnlocked={update} />
        ) : null}
        {!builtin && !current.external ? (
          <p className="px-4 text-sm text-[#536471]">
            {walletNames[current.choice]} connects on x.com, inside the page: under a post with a MEMEFANS giveaway, connect X,
            then press “2 · {walletNames[current.choice]}”. {walletNames[current.choice]} asks you to approve there.
          </p>
        ) : null}
        {current.activeAddress && (!builtin || current.builtin.state === "unlocked") ? (
          <Suspense fallback={<p className="px-4 text-sm">Loading…</p>}>
            <WalletHome status={current} onStatus={update} />
          </Suspense>
        ) : null}
      </div>
    </div>
  );
}
