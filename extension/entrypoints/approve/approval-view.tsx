import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import { useEffect, useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import { formatSol } from "../../messaging/format.ts";
import type { ApprovalView as View } from "../../messaging/shapes.ts";
import { useApproveReady } from "./approve-delay.ts";
import { RequestHeader } from "./request-header.tsx";
import { WalletLinkRequest } from "./wallet-link-request.tsx";

/** Asking again now and then keeps the service worker (which holds the request) from idling out. */
const KEEPALIVE_MS = 15_000;

function useApproval(id: string, handedOff: boolean) {
  const [view, setView] = useState<View>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    // Once handed to a page wallet the request is answered and the window only keeps showing it; the
    // worker waits for the wallet meanwhile, and an idle worker is stopped after 30 s, so keep asking.
    if (handedOff) {
      const timer = setInterval(() => void callBackground("wallet/status", {}).catch(() => undefined), KEEPALIVE_MS);
      return () => clearInterval(timer);
    }
    let stopped = false;
    const load = () =>
      callBackground("approval/get", { id })
        .then((next) => !stopped && setView(next))
        .catch((caught: Error) => !stopped && setError(caught.message));
    void load();
    const timer = setInterval(load, KEEPALIVE_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [id, handedOff]);
  return { view, error };
}

function Countdown({ expiresAt }: { expiresAt: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.round((expiresAt - now) / 1000));
  return <span data-testid="approval-countdown">rejects itself in {seconds}s</span>;
}

/** Instructions can repeat exactly, so each gets its place in the transaction as its identity. */
function numbered<T>(items: T[]): (T & { number: number })[] {
  return items.map((item, number) => ({ ...item, number }));
}

/**
 * The one place a signature, or a content script's wallet link, is granted. It shows exactly what the
 * service worker will sign: what leaves the wallet in total and what comes back, every instruction
 * decoded, the fee, and warnings (every instruction it cannot read gets one); or which wallet would be
 * paid the person's claims. Closing the window counts as Reject.
 */
export function ApprovalView({ id }: { id: string }) {
  const [handedOff, setHandedOff] = useState(false);
  const { view, error } = useApproval(id, handedOff);
  const [deciding, setDeciding] = useState(false);
  const ready = useApproveReady(view?.id);
  const wallet = view?.kind === "transaction" ? view.wallet : undefined;
  const decide = async (approved: boolean) => {
    setDeciding(true);
    const decided = await callBackground("approval/decide", { id, approved }).then(
      () => true,
      () => false,
    );
    // A page wallet signs next: this window stays beside its approval screen until it answers.
    if (decided && approved && wallet) setHandedOff(true);
    else window.close();
  };
  if (error)
    return (
      <Alert severity="error" className="m-4">
        {error}
      </Alert>
    );
  if (!view) return <p className="p-4 text-sm text-[#536471]">Loading the request…</p>;
  return (
    <main className="flex min-h-screen flex-col gap-3 p-4 text-[15px]">
      {view.kind === "wallet-link" ? <WalletLinkRequest view={view} /> : <RequestHeader view={view} />}
      {view.kind === "transaction" && (
        <>
          {view.headline && (
            <p className="rounded-2xl bg-[#e8f5fd] p-3 text-sm font-bold dark:bg-[#031018]" data-testid="approval-headline">
              {view.headline}
            </p>
          )}
          <section className="rounded-2xl bg-[#f7f9f9] p-3 dark:bg-[#16181c]" data-testid="approval-totals">
            <h2 className="text-sm font-bold">Leaves your wallet</h2>
            <ul className="text-sm" data-testid="approval-leaves">
              {view.leaves.length ? view.leaves.map((line) => <li key={line}>{line}</li>) : <li>nothing</li>}
            </ul>
            {view.comesBack.length > 0 && (
              <>
                <h2 className="mt-2 text-sm font-bold">Comes back to you</h2>
                <ul className="text-sm" data-testid="approval-comes-back">
                  {view.comesBack.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </>
            )}
          </section>
          {view.warnings.map((warning) => (
            <Alert key={warning} severity="warning">
              {warning}
            </Alert>
          ))}
          <ol className="flex flex-col gap-2" data-testid="approval-instructions">
            {numbered(view.instructions).map((instruction) => (
              <li key={instruction.number} className="rounded-2xl border border-[#cfd9de] p-3 dark:border-[#2f3336]">
                <div className="text-xs font-bold uppercase tracking-wide text-[#536471]" title={instruction.programId}>
                  {instruction.program}
                </div>
                <div className="font-bold">{instruction.action}</div>
                <ul className="mt-1 text-sm text-[#536471]">
                  {instruction.details.map((detail) => (
                    <li key={detail} className="break-all">
                      {detail}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          <p className="text-sm">
            Network fee: <strong data-testid="approval-fee">{formatSol(view.feeLamports)}</strong>
          </p>
        </>
      )}
      {view.kind === "message" && (
        <pre
          className="whitespace-pre-wrap break-all rounded-2xl border border-[#cfd9de] p-3 font-mono text-xs dark:border-[#2f3336]"
          data-testid="approval-message"
        >
          {view.message}
        </pre>
      )}
      {handedOff ? (
        <Alert severity="info" className="mt-auto" data-testid="approval-handed-off">
          Now approve it in your wallet's own window (the wallet that calls itself <q>{wallet}</q>): it should show this same
          transaction. This window closes when the wallet answers.
        </Alert>
      ) : (
        <footer className="mt-auto flex items-center gap-2">
          <span className="mr-auto text-xs text-[#536471]">
            <Countdown expiresAt={view.expiresAt} />
          </span>
          <Button variant="outlined" color="inherit" disabled={deciding} onClick={() => decide(false)}>
            Reject
          </Button>
          <Button variant="contained" disabled={deciding || !ready} onClick={() => decide(true)} data-testid="approval-approve">
            {wallet ? "Continue in your wallet" : "Approve"}
          </Button>
        </footer>
      )}
    </main>
  );
}
