import Button from "@mui/material/Button";
import { useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import type { WalletStatus } from "../../messaging/shapes.ts";
import { useBackground } from "../popup/use-background.ts";
import { WalletSetup } from "../popup/wallet-setup.tsx";

const externalWallets = [
  ["phantom", "Phantom"],
  ["solflare", "Solflare"],
] as const;

function Step({ number, title, done, children }: { number: number; title: string; done: boolean; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-3 rounded-2xl border border-[#cfd9de] p-5 dark:border-[#2f3336]">
      <h2 className="text-lg font-extrabold">
        {done ? "✓" : `${number}.`} {title}
      </h2>
      {children}
    </section>
  );
}

function WalletStep({ status, onStatus }: { status: WalletStatus; onStatus: (status: WalletStatus) => void }) {
  const [creating, setCreating] = useState(false);
  const refresh = async () => onStatus(await callBackground("wallet/status", {}));
  if (status.choice === "builtin" && status.builtin.state !== "absent" && status.builtin.backup !== "pending") {
    return <p className="text-sm">Your MEMEFANS wallet is ready; it lives in the toolbar popup.</p>;
  }
  if (creating || (status.choice === "builtin" && status.builtin.backup === "pending")) {
    return <WalletSetup onDone={() => void refresh()} />;
  }
  return (
    <div className="flex flex-col gap-3">
      <Button variant="contained" onClick={() => setCreating(true)} data-testid="welcome-create-wallet">
        Create a MEMEFANS wallet
      </Button>
      <p className="text-sm text-[#536471]">
        Or keep the wallet you have. It connects on x.com, inside the page, when you claim; MEMEFANS never sees its keys.
      </p>
      <div className="flex flex-wrap gap-2">
        {externalWallets.map(([choice, name]) => (
          <Button
            key={choice}
            variant={status.choice === choice ? "contained" : "outlined"}
            onClick={async () => onStatus(await callBackground("wallet/choose", { choice }))}
          >
            Use {name}
          </Button>
        ))}
      </div>
      <p className="text-xs text-[#536471]">
        Another Solana wallet (Backpack, Glow…) shows up in the claim card on x.com when it is installed.
      </p>
    </div>
  );
}

/**
 * The first run, opened when the extension is installed: what MEMEFANS does in three lines, then the
 * wallet (ours, or one the user already has) and X. Claiming needs X and any wallet, not ours.
 */
export function WelcomePage() {
  const loaded = useBackground("wallet/status", {});
  const [override, setOverride] = useState<WalletStatus>();
  const [error, setError] = useState<string>();
  const status = override ?? loaded.data;
  const walletChosen =
    status !== undefined &&
    (status.choice !== "builtin" || (status.builtin.state !== "absent" && status.builtin.backup !== "pending"));
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-6 p-8" data-testid="welcome">
      <header className="flex flex-col gap-2">
        <h1 className="text-3xl font-extrabold">Welcome to MEMEFANS</h1>
        <ul className="flex flex-col gap-1 text-[15px]" data-testid="welcome-pitch">
          <li>Creators give away Solana tokens from their posts on X.</li>
          <li>You claim right under the post, after the follow, like or repost the creator asks for.</li>
          <li>The tokens are paid on chain, from the giveaway's escrow straight to your wallet.</li>
        </ul>
      </header>
      {!status ? <p className="text-sm">{loaded.error ?? "Loading…"}</p> : null}
      {status ? (
        <>
          <Step number={1} title="Choose a wallet" done={walletChosen}>
            <WalletStep status={status} onStatus={setOverride} />
          </Step>
          <Step number={2} title="Sign in with X" done={status.xUser !== null}>
            {status.xUser ? (
              <p className="text-sm">Signed in as @{status.xUser.username}.</p>
            ) : (
              <>
                <p className="text-sm text-[#536471]">
                  MEMEFANS checks the follow, like or repost a giveaway asks for with your X account; it never posts for you.
                </p>
                <Button
                  variant="outlined"
                  onClick={async () => {
                    try {
                      await callBackground("x/connect", {});
                      setOverride(await callBackground("wallet/status", {}));
                    } catch (caught) {
                      setError((caught as Error).message);
                    }
                  }}
                >
                  Sign in with X
                </Button>
                {error ? <p className="text-sm text-[#f4212e]">{error}</p> : null}
              </>
            )}
          </Step>
          <a className="text-center font-bold text-[#1d9bf0]" href="https://x.com/home">
            Open x.com and find a giveaway
          </a>
        </>
      ) : null}
    </main>
  );
}
