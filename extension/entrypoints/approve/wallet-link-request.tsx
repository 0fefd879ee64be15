import Alert from "@mui/material/Alert";
import type { ApprovalView } from "../../messaging/shapes.ts";

type WalletLinkView = Extract<ApprovalView, { kind: "wallet-link" }>;

/**
 * A site asks to bind a wallet to the person's X account. The address came from the site's page,
 * where a script posing as their wallet could have put its own: it is shown in full, for the person
 * to compare with their wallet app, beside what binding it means for their claims.
 */
export function WalletLinkRequest({ view }: { view: WalletLinkView }) {
  return (
    <>
      <header>
        <h1 className="text-xl font-extrabold">Link wallet</h1>
        <p className="text-sm text-[#536471]">
          <strong>{view.origin}</strong> asks to link a wallet to your X account.
        </p>
      </header>
      <p className="rounded-2xl bg-[#e8f5fd] p-3 text-sm font-bold dark:bg-[#031018]">
        Link wallet <span className="break-all font-mono">{view.address}</span> to @{view.xUsername} — giveaway tokens you claim
        will be paid to this wallet.
      </p>
      <Alert severity="warning">
        Check that this address matches the one your wallet app shows. If it does not, reject: something on the page may be posing
        as your wallet.
      </Alert>
    </>
  );
}
